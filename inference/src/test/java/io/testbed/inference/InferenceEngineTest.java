package io.testbed.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.testbed.protocol.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every zoo model at every precision on real ONNX Runtime sessions. */
class InferenceEngineTest {
  private static final ModelZoo ZOO = ModelZoo.standard();
  private static final InferenceEngine ENGINE = new InferenceEngine(ZOO, ThreadSettings.single());

  @AfterAll
  static void close() { ENGINE.close(); }

  static Stream<Arguments> modelsAndPrecisions() {
    return ZOO.names().stream().flatMap(n -> Stream.of(Arguments.of(n, Precision.FP32), Arguments.of(n, Precision.INT8)));
  }

  private static int classes(String model) {
    return switch (model) {
      case "mlp" -> 10;
      case "textrnn" -> 4;
      default -> 1000;
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modelsAndPrecisions")
  void runsWithBatch1And4Deterministically(String name, Precision p) throws Exception {
    ZooModel m = ZOO.model(name);
    for (int batch : new int[] {1, 4}) {
      float[] x = InferenceEngine.syntheticInput(m, batch, 42);
      InferenceOutput out = ENGINE.run(name, p, x, batch);
      assertThat(out.shape()).containsExactly(batch, classes(name));
      assertThat(out.values()).hasSize(batch * classes(name));
      for (float v : out.values()) assertThat(Float.isFinite(v)).isTrue();
      assertThat(out.computeMs()).isPositive();
      assertThat(out.digest()).hasSize(16).matches("[0-9a-f]{16}").isEqualTo(InferenceEngine.digest(out.values()));
      InferenceOutput again = ENGINE.run(name, p, InferenceEngine.syntheticInput(m, batch, 42), batch);
      assertThat(again.digest()).isEqualTo(out.digest());
      assertThat(again.values()).containsExactly(out.values());
      InferenceOutput other = ENGINE.run(name, p, InferenceEngine.syntheticInput(m, batch, 43), batch);
      assertThat(other.digest()).isNotEqualTo(out.digest());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void int8AgreesWithFp32ButIsReallyDifferent(String name) throws Exception {
    int batch = 16;
    float[] x = InferenceEngine.syntheticInput(ZOO.model(name), batch, 7);
    float[] fp32 = ENGINE.run(name, Precision.FP32, x, batch).values();
    float[] int8 = ENGINE.run(name, Precision.INT8, x, batch).values();
    assertThat(Agreement.top1(int8, fp32, batch)).isGreaterThanOrEqualTo(0.8);
    assertThat(Agreement.maxRelativeError(int8, fp32)).isGreaterThan(0).isLessThan(0.3);
  }

  static Stream<String> names() { return ZOO.names().stream(); }

  /** ONNX Runtime's optimiser turns the QDQ graph into integer kernels: the optimised CNN runs QLinearConv, no float Conv. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cnns")
  void int8RunsOnIntegerKernels(String name, @TempDir Path dir) throws Exception {
    Path optimised = dir.resolve(name + "-int8-optimised.onnx");
    try (OrtSession.SessionOptions o = InferenceEngine.sessionOptions(ThreadSettings.single())) {
      o.setOptimizedModelFilePath(optimised.toString());
      try (OrtSession s = OrtEnvironment.getEnvironment().createSession(ZOO.model(name).onnx(Precision.INT8), o)) {
        assertThat(s.getInputNames()).containsExactly("input");
      }
    }
    List<String> ops = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimised)).getGraph().getNodeList().stream()
        .map(OnnxMl.NodeProto::getOpType).toList();
    assertThat(ops).contains("QLinearConv").doesNotContain("Conv", "ConvInteger");
  }

  static Stream<String> cnns() { return Stream.of("mobilenet", "resnet", "inception"); }

  @Test
  void syntheticInputIsDeterministicPerModelBatchAndSeed() {
    ZooModel m = ZOO.model("mlp");
    float[] a = InferenceEngine.syntheticInput(m, 3, 5);
    assertThat(a).hasSize(3 * 784).containsExactly(InferenceEngine.syntheticInput(m, 3, 5));
    assertThat(a).isNotEqualTo(InferenceEngine.syntheticInput(m, 3, 6));
    assertThat(InferenceEngine.syntheticInput(ZOO.model("textrnn"), 1, 5)).hasSize(32 * 64);
    // sample i depends on (model, seed, i) only: a batch of 3 starts with the batch of 1
    assertThat(java.util.Arrays.copyOf(a, 784)).containsExactly(InferenceEngine.syntheticInput(m, 1, 5));
  }

  @Test
  void wrongInputSizeNamesExpectedAndActual() {
    float[] x = new float[784 * 2 + 1];
    assertThatThrownBy(() -> ENGINE.run("mlp", Precision.FP32, x, 2)).isInstanceOf(InferenceException.class)
        .hasMessage("model 'mlp' expects 1568 input floats (batch 2 x sample shape [784] = 784 each), got 1569");
    assertThatThrownBy(() -> ENGINE.run("textrnn", Precision.INT8, FloatBuffer.allocate(10), 1)).isInstanceOf(InferenceException.class)
        .hasMessageContaining("expects 2048 input floats").hasMessageContaining("got 10");
    assertThatThrownBy(() -> ENGINE.run("mlp", Precision.FP32, new float[784], 0)).isInstanceOf(InferenceException.class)
        .hasMessageContaining("batchSize must be > 0");
    assertThatThrownBy(() -> ENGINE.run("mlp", null, new float[784], 1)).isInstanceOf(InferenceException.class)
        .hasMessageContaining("precision is required");
  }

  @Test
  void unknownModelNamesTheKnownOnes() {
    assertThatThrownBy(() -> ENGINE.run("vgg", Precision.FP32, new float[10], 1)).isInstanceOf(InferenceException.class)
        .hasMessage("unknown model 'vgg' (known: inception, mlp, mobilenet, resnet, textrnn)");
    assertThatThrownBy(() -> ENGINE.warmUp("bert", Precision.INT8)).isInstanceOf(InferenceException.class)
        .hasMessageContaining("unknown model 'bert'");
  }

  @Test
  void directAndHeapBuffersGiveTheSameOutput() throws Exception {
    float[] x = InferenceEngine.syntheticInput(ZOO.model("textrnn"), 2, 9);
    FloatBuffer direct = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(x).flip();
    InferenceOutput fromArray = ENGINE.run("textrnn", Precision.FP32, x, 2);
    InferenceOutput fromBuffer = ENGINE.run("textrnn", Precision.FP32, direct, 2);
    assertThat(fromBuffer.digest()).isEqualTo(fromArray.digest());
    assertThat(direct.position()).as("the caller's buffer is not consumed").isZero();
    ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    FloatBuffer foreign = ByteBuffer.allocateDirect(x.length * 4).order(other).asFloatBuffer();
    foreign.put(x).flip();
    assertThat(ENGINE.run("textrnn", Precision.FP32, foreign, 2).digest()).as("direct buffer in the other byte order").isEqualTo(fromArray.digest());
  }

  @Test
  void sessionsAreCachedAndSharedAcrossThreads() throws Exception {
    try (InferenceEngine e = new InferenceEngine(ModelZoo.of(List.of("mlp", "textrnn")), ThreadSettings.single())) {
      e.warmUp("mlp", Precision.INT8);
      e.warmUp("mlp", Precision.INT8);
      assertThat(e.sessionCount()).isEqualTo(1);
      float[] x = InferenceEngine.syntheticInput(e.zoo().model("textrnn"), 2, 3);
      String expected = e.run("textrnn", Precision.FP32, x, 2).digest();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> digests = new ArrayList<>();
        for (int i = 0; i < 32; i++) digests.add(pool.submit(() -> e.run("textrnn", Precision.FP32, x, 2).digest()));
        for (Future<String> d : digests) assertThat(d.get()).isEqualTo(expected);
      } finally {
        pool.shutdown();
      }
      assertThat(e.sessionCount()).isEqualTo(2);
    }
  }

  @Test
  void aClosedEngineRefusesWork() throws Exception {
    InferenceEngine e = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
    e.warmUp("mlp", Precision.FP32);
    e.close();
    e.close(); // idempotent
    assertThat(e.sessionCount()).isZero();
    assertThatThrownBy(() -> e.run("mlp", Precision.FP32, new float[784], 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void reportsTheRuntimeVersion() {
    assertThat(InferenceEngine.onnxRuntimeVersion()).startsWith("1.29");
  }
}
