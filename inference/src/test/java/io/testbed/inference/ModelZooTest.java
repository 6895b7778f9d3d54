package io.testbed.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelZooTest {
  private static final ModelZoo ZOO = ModelZoo.standard();

  @Test
  void standardHoldsEveryModelSorted() {
    assertThat(ZOO.names()).containsExactly("inception", "mlp", "mobilenet", "resnet", "textrnn");
    assertThat(ZOO.has("resnet")).isTrue();
    assertThat(ZOO.has("vgg")).isFalse();
    assertThat(ZOO.models()).containsOnlyKeys(ZOO.names());
  }

  @Test
  void unknownModelNamesTheKnownOnes() {
    assertThatThrownBy(() -> ZOO.model("vgg")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown model 'vgg' (known: inception, mlp, mobilenet, resnet, textrnn)");
  }

  @Test
  void subsetRefusesUnknownNamesAndListsKnownOnes() {
    ModelZoo small = ModelZoo.of(List.of("textrnn", "mlp"));
    assertThat(small.names()).containsExactly("mlp", "textrnn");
    assertThatThrownBy(() -> small.model("resnet")).hasMessage("unknown model 'resnet' (known: mlp, textrnn)");
    assertThatThrownBy(() -> ModelZoo.of(List.of("mlp", "vgg", "bert"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'vgg', 'bert'").hasMessageContaining("known: inception, mlp, mobilenet, resnet, textrnn");
  }

  @ParameterizedTest
  @CsvSource({
    // name, family, conv, fc, recurrent, sample shape
    "mobilenet, vision, 52, 1, 0, 3x224x224",
    "resnet,    vision, 20, 1, 0, 3x224x224",
    "inception, vision, 57, 1, 0, 3x224x224",
    "mlp,       mlp,     0, 3, 0, 784",
    "textrnn,   text,    0, 1, 1, 32x64",
  })
  void featuresAreReadOffTheGraph(String name, String family, int conv, int fc, int recurrent, String shape) {
    ZooModel m = ZOO.model(name);
    ModelFeatures f = m.features();
    long[] expectedShape = java.util.Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
    assertThat(m.name()).isEqualTo(name);
    assertThat(m.family()).isEqualTo(family);
    assertThat(m.sampleShape()).containsExactly(expectedShape);
    assertThat(f.inputShape()).containsExactly(java.util.Arrays.stream(expectedShape).boxed().toArray(Long[]::new));
    assertThat(f.convLayers()).isEqualTo(conv);
    assertThat(f.fcLayers()).isEqualTo(fc);
    assertThat(f.recurrentLayers()).isEqualTo(recurrent);
    assertThat(m.precisions()).containsExactly(Precision.FP32, Precision.INT8);
    ModelFeatures int8 = m.features(Precision.INT8);
    assertThat(int8.convLayers()).isEqualTo(conv);
    assertThat(int8.fcLayers()).isEqualTo(fc);
    assertThat(int8.recurrentLayers()).isEqualTo(recurrent);
    assertThat(int8.macs()).isEqualTo(f.macs());
    // int8 weights: about a quarter of the bytes (scales, biases and the recurrent bias stay float)
    assertThat(int8.parameterBytes()).isBetween(f.parameterBytes() / 5, f.parameterBytes() / 3);
    ModelInfo info = m.info();
    assertThat(info.name()).isEqualTo(name);
    assertThat(info.family()).isEqualTo(family);
    assertThat(info.precisions()).containsExactly(Precision.FP32, Precision.INT8);
    assertThat(info.features()).isEqualTo(f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mobilenet", "resnet", "inception"})
  void cnnsAreAffordableButHonest(String name) {
    ModelFeatures f = ZOO.model(name).features();
    assertThat(f.macs()).isBetween(100_000_000L, 600_000_000L);
    assertThat(f.parameterBytes()).isBetween(1_000_000L, 50_000_000L);
  }

  @Test
  void smallModelsHaveExactMacsAndBytes() {
    ModelFeatures mlp = ZOO.model("mlp").features();
    assertThat(mlp.macs()).isEqualTo(784L * 512 + 512L * 256 + 256L * 10);
    assertThat(mlp.parameterBytes()).isEqualTo(4L * (784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10));
    ModelFeatures text = ZOO.model("textrnn").features();
    // GRU: seq 32 x 3 gates x hidden 128 x (embed 64 + hidden 128); then dense 128 -> 4
    assertThat(text.macs()).isEqualTo(32L * 3 * 128 * (64 + 128) + 128L * 4);
  }

  @Test
  void graphsAreDeterministicAcrossZoos() throws Exception {
    ModelZoo other = ModelZoo.of(List.of("resnet", "textrnn"));
    for (String n : other.names()) {
      for (Precision p : Precision.values()) {
        assertThat(other.model(n).onnx(p)).as(n + " " + p).isEqualTo(ZOO.model(n).onnx(p));
      }
    }
    assertThat(ZOO.model("mlp")).isSameAs(ZOO.model("mlp"));
  }

  @Test
  void int8GraphsAreQdqWithInt8Weights() throws Exception {
    for (String name : List.of("mobilenet", "resnet", "inception", "mlp")) {
      OnnxMl.ModelProto fp32 = OnnxMl.ModelProto.parseFrom(ZOO.model(name).onnx(Precision.FP32));
      OnnxMl.ModelProto int8 = OnnxMl.ModelProto.parseFrom(ZOO.model(name).onnx(Precision.INT8));
      assertThat(ops(fp32)).as(name).doesNotContain("QuantizeLinear", "DequantizeLinear");
      assertThat(ops(int8)).as(name).contains("QuantizeLinear", "DequantizeLinear");
      Map<String, String> producer = new HashMap<>();
      int8.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n.getOpType())));
      Map<String, Integer> initType = new HashMap<>();
      int8.getGraph().getInitializerList().forEach(t -> initType.put(t.getName(), t.getDataType()));
      for (OnnxMl.NodeProto n : int8.getGraph().getNodeList()) {
        if (n.getOpType().equals("Conv") || n.getOpType().equals("MatMul")) {
          // activation and weight both arrive dequantised: ORT fuses the pattern into QLinearConv / QLinearMatMul
          assertThat(producer.get(n.getInput(0))).as(name + " " + n.getName() + " activation").isEqualTo("DequantizeLinear");
          assertThat(producer.get(n.getInput(1))).as(name + " " + n.getName() + " weight").isEqualTo("DequantizeLinear");
        }
        if (n.getOpType().equals("DequantizeLinear") && initType.containsKey(n.getInput(0))) {
          assertThat(initType.get(n.getInput(0))).isIn(OnnxMl.TensorProto.DataType.INT8_VALUE, OnnxMl.TensorProto.DataType.INT32_VALUE);
        }
      }
      assertThat(int8.getGraph().getInitializerList()).noneMatch(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE && t.getRawData().size() > 64 * 1024);
    }
    assertThat(ops(OnnxMl.ModelProto.parseFrom(ZOO.model("textrnn").onnx(Precision.INT8)))).contains("GRU", "DequantizeLinear", "QuantizeLinear", "Transpose");
  }

  private static List<String> ops(OnnxMl.ModelProto m) {
    return m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).distinct().toList();
  }
}
