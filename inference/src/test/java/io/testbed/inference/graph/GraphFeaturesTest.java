package io.testbed.inference.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.testbed.protocol.ModelFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Features of small hand-made graphs whose MACs are worked out by hand. */
class GraphFeaturesTest {
  private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
  private static final long N = GraphBuilder.BATCH;

  /** input [N,3,8,8] -> Conv 3->8 k3 p1 -> depthwise Conv k3 p1 -> Flatten -> Gemm(transB) 512->10 -> MatMul 10->4. */
  private static OnnxMl.GraphProto.Builder cnn() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny");
    g.addInput(GraphBuilder.valueInfo("x", new long[] {N, 3, 8, 8}, FLOAT));
    g.addInitializer(floats("w1", 8, 3, 3, 3));
    g.addInitializer(floats("b1", 8));
    g.addInitializer(floats("w2", 8, 1, 3, 3));
    g.addInitializer(floats("fc", 10, 512));
    g.addInitializer(floats("mm", 10, 4));
    g.addNode(node("Conv", List.of("x", "w1", "b1"), "c1", GraphBuilder.attr("pads", 1, 1, 1, 1)));
    g.addNode(node("Conv", List.of("c1", "w2"), "c2", GraphBuilder.attr("pads", 1, 1, 1, 1), GraphBuilder.attr("group", 8L)));
    g.addNode(node("Flatten", List.of("c2"), "f"));
    g.addNode(node("Gemm", List.of("f", "fc"), "g", GraphBuilder.attr("transB", 1L)));
    g.addNode(node("MatMul", List.of("g", "mm"), "y"));
    g.addValueInfo(GraphBuilder.valueInfo("c1", new long[] {N, 8, 8, 8}, FLOAT));
    g.addValueInfo(GraphBuilder.valueInfo("c2", new long[] {N, 8, 8, 8}, FLOAT));
    g.addValueInfo(GraphBuilder.valueInfo("f", new long[] {N, 512}, FLOAT));
    g.addValueInfo(GraphBuilder.valueInfo("g", new long[] {N, 10}, FLOAT));
    g.addOutput(GraphBuilder.valueInfo("y", new long[] {N, 4}, FLOAT));
    return g;
  }

  @Test
  void convAndFcMacsAreAnalytic() {
    ModelFeatures f = GraphFeatures.of(model(cnn()));
    long conv1 = 8L * 8 * 8 * 3 * 3 * 3; // out_h x out_w x out_c x in_c x k x k
    long depthwise = 8L * 8 * 8 * 1 * 3 * 3; // in_c / group = 1
    long gemm = 10L * 512;
    long matmul = 4L * 10;
    assertThat(f.convLayers()).isEqualTo(2);
    assertThat(f.fcLayers()).isEqualTo(2);
    assertThat(f.recurrentLayers()).isZero();
    assertThat(f.macs()).isEqualTo(conv1 + depthwise + gemm + matmul);
    assertThat(f.parameterBytes()).isEqualTo(4L * (8 * 27 + 8 + 8 * 9 + 5120 + 40));
    assertThat(f.inputShape()).containsExactly(3L, 8L, 8L);
  }

  @Test
  void recurrentMacsCountEveryStepGateAndDirection() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("rnn");
    g.addInput(GraphBuilder.valueInfo("x", new long[] {5, N, 6}, FLOAT));
    g.addInitializer(floats("gw", 1, 12, 6));
    g.addInitializer(floats("gr", 1, 12, 4));
    g.addInitializer(floats("lw", 2, 16, 6));
    g.addInitializer(floats("lr", 2, 16, 4));
    g.addNode(node("GRU", List.of("x", "gw", "gr"), "gy", GraphBuilder.attr("hidden_size", 4L)));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("LSTM").addAllInput(List.of("x", "lw", "lr")).addOutput("ly")
        .addAttribute(GraphBuilder.attr("hidden_size", 4L)).addAttribute(GraphBuilder.attrString("direction", "bidirectional")));
    g.addOutput(GraphBuilder.valueInfo("gy", new long[] {5, 1, N, 4}, FLOAT));
    ModelFeatures f = GraphFeatures.of(model(g));
    long gru = 5L * 1 * 3 * 4 * (6 + 4); // seq x dirs x gates x hidden x (input + hidden)
    long lstm = 5L * 2 * 4 * 4 * (6 + 4);
    assertThat(f.recurrentLayers()).isEqualTo(2);
    assertThat(f.macs()).isEqualTo(gru + lstm);
    assertThat(f.inputShape()).containsExactly(5L, 6L);
  }

  @Test
  void aMissingShapeIsNamed() {
    OnnxMl.GraphProto.Builder g = cnn();
    g.removeValueInfo(0); // c1: the output of the first conv
    assertThatThrownBy(() -> GraphFeatures.of(model(g))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c1'");
  }

  @Test
  void widthIsHeavyOpsOverHeavyDepth() {
    // a chain of 2 heavy ops: width 1
    assertThat(GraphFeatures.averageWidth(model(cnn()))).isEqualTo(4.0 / 4.0);
    // two parallel convs feeding an Add, then one MatMul: 3 heavy ops, depth 2
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("wide");
    g.addNode(node("Conv", List.of("x", "w"), "a"));
    g.addNode(node("Conv", List.of("x", "w"), "b"));
    g.addNode(node("Add", List.of("a", "b"), "s"));
    g.addNode(node("MatMul", List.of("s", "m"), "y"));
    assertThat(GraphFeatures.averageWidth(model(g))).isEqualTo(1.5);
  }

  @Test
  void graphBuilderRecordsShapesTheAnalyserReads() {
    GraphBuilder b = new GraphBuilder("built");
    String x = b.input("x", GraphBuilder.FLOAT, N, 3, 16, 16);
    String y = b.conv(x, b.initFloat("w", new float[4 * 3 * 9], 4, 3, 3, 3), null, 2, 1, 1);
    assertThat(b.shape(y)).containsExactly(N, 4, 8, 8);
    b.output(b.flatten(y));
    ModelFeatures f = GraphFeatures.of(b.build());
    assertThat(f.macs()).isEqualTo(8L * 8 * 4 * 3 * 9);
    assertThatThrownBy(() -> b.conv(x, "w", null, 1, 1, 2)).hasMessageContaining("does not fit weight w");
    assertThatThrownBy(() -> b.relu("nope")).hasMessageContaining("unknown value 'nope'");
  }

  private static OnnxMl.ModelProto model(OnnxMl.GraphProto.Builder g) {
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g).build();
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, String out, OnnxMl.AttributeProto... attrs) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out).addAllAttribute(List.of(attrs)).build();
  }

  private static OnnxMl.TensorProto floats(String name, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    for (long i = 0; i < n; i++) t.addFloatData(0.5f); // float_data, not raw_data: the analyser handles both
    return t.build();
  }
}
