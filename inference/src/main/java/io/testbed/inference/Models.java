package io.testbed.inference;

import io.testbed.inference.graph.GraphBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** The built-in model definitions: architecture, input shape and weight seed of each zoo model. */
final class Models {
  private Models() {}

  /** One model definition; {@code body} maps the input value to the output logits. */
  record Definition(String name, String family, long[] sampleShape, long seed, BiFunction<Layers, String, String> body) {}

  static final Map<String, Definition> ALL = all();

  private static Map<String, Definition> all() {
    Map<String, Definition> m = new TreeMap<>();
    for (Definition d : List.of(
        new Definition("mobilenet", "vision", new long[] {3, 224, 224}, 0x4d6f62L, Models::mobilenet),
        new Definition("resnet", "vision", new long[] {3, 224, 224}, 0x526573L, Models::resnet),
        new Definition("inception", "vision", new long[] {3, 224, 224}, 0x496e63L, Models::inception),
        new Definition("mlp", "mlp", new long[] {784}, 0x4d6c70L, Models::mlp),
        new Definition("textrnn", "text", new long[] {32, 64}, 0x547874L, Models::textRnn))) {
      m.put(d.name(), d);
    }
    return Map.copyOf(m);
  }

  static final int CLASSES = 1000;

  /**
   * MobileNet-v2 layout at width 0.75: stem conv, 17 inverted-residual blocks (1x1 expand, 3x3 depthwise, linear 1x1
   * project, Add when the shape is kept), 1x1 conv to 1280, classifier.
   */
  static String mobilenet(Layers l, String x) {
    int[][] stages = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 24, 3, 2}, {6, 48, 4, 2}, {6, 72, 3, 1}, {6, 120, 3, 2}, {6, 240, 1, 1}}; // t, c, n, s
    String y = l.conv(x, 24, 3, 2, 1, 1, true);
    for (int[] st : stages) {
      for (int i = 0; i < st[2]; i++) {
        int stride = i == 0 ? st[3] : 1;
        int in = (int) l.g.shape(y)[1];
        int hidden = in * st[0];
        String z = st[0] == 1 ? y : l.conv(y, hidden, 1, 1, 0, 1, true);
        z = l.conv(z, hidden, 3, stride, 1, hidden, true);
        z = l.conv(z, st[1], 1, 1, 0, 1, false);
        y = stride == 1 && in == st[1] ? l.add(z, y) : z;
      }
    }
    y = l.conv(y, 1280, 1, 1, 0, 1, true);
    return classifier(l, y);
  }

  /** ResNet-18 layout at half width (32-64-128-256): stem, 4 stages of 2 basic residual blocks (Add), 1x1 downsample. */
  static String resnet(Layers l, String x) {
    String y = l.conv(x, 32, 7, 2, 3, 1, true);
    y = l.maxPool(y, 3, 2, 1);
    int[] widths = {32, 64, 128, 256};
    for (int s = 0; s < widths.length; s++) {
      for (int b = 0; b < 2; b++) {
        int stride = s > 0 && b == 0 ? 2 : 1;
        String shortcut = y;
        if (stride != 1 || l.g.shape(y)[1] != widths[s]) shortcut = l.conv(y, widths[s], 1, stride, 0, 1, false);
        String z = l.conv(y, widths[s], 3, stride, 1, 1, true);
        z = l.conv(z, widths[s], 3, 1, 1, 1, false);
        y = l.g.relu(l.add(z, shortcut));
      }
    }
    return classifier(l, y);
  }

  /** GoogLeNet layout at half width: stem, 9 Inception modules (1x1, 3x3, 5x5 and pool branches, concatenated). */
  static String inception(Layers l, String x) {
    String y = l.conv(x, 32, 7, 2, 3, 1, true);
    y = l.maxPool(y, 3, 2, 1);
    y = l.conv(y, 32, 1, 1, 0, 1, true);
    y = l.conv(y, 96, 3, 1, 1, 1, true);
    y = l.maxPool(y, 3, 2, 1);
    // per module: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection (GoogLeNet's, halved)
    int[][] stage3 = {{64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}};
    int[][] stage4 = {{192, 96, 208, 16, 48, 64}, {160, 112, 224, 24, 64, 64}, {128, 128, 256, 24, 64, 64},
        {112, 144, 288, 32, 64, 64}, {256, 160, 320, 32, 128, 128}};
    int[][] stage5 = {{256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}};
    for (int[] c : stage3) y = inceptionModule(l, y, c);
    y = l.maxPool(y, 3, 2, 1);
    for (int[] c : stage4) y = inceptionModule(l, y, c);
    y = l.maxPool(y, 3, 2, 1);
    for (int[] c : stage5) y = inceptionModule(l, y, c);
    return classifier(l, y);
  }

  private static String inceptionModule(Layers l, String x, int[] c) {
    List<String> branches = new ArrayList<>();
    branches.add(l.conv(x, c[0] / 2, 1, 1, 0, 1, true));
    branches.add(l.conv(l.conv(x, c[1] / 2, 1, 1, 0, 1, true), c[2] / 2, 3, 1, 1, 1, true));
    branches.add(l.conv(l.conv(x, c[3] / 2, 1, 1, 0, 1, true), c[4] / 2, 5, 1, 2, 1, true));
    branches.add(l.conv(l.maxPool(x, 3, 1, 1), c[5] / 2, 1, 1, 0, 1, true));
    return l.concat(branches);
  }

  private static String classifier(Layers l, String features) {
    return l.dense(l.g.flatten(l.globalAveragePool(features)), CLASSES, false);
  }

  /** Multi-layer perceptron 784 -> 512 -> 256 -> 10. */
  static String mlp(Layers l, String x) {
    return l.dense(l.dense(l.dense(x, 512, true), 256, true), 10, false);
  }

  /** Text classifier: [N, 32, 64] embeddings, transposed to ONNX's time-major layout, GRU(128), dense to 4 classes. */
  static String textRnn(Layers l, String x) {
    String timeMajor = l.g.transpose(x, 1, 0, 2);
    return l.dense(l.gruLastState(timeMajor, 128), 4, false);
  }

  static String input(GraphBuilder g, long[] sampleShape) {
    long[] full = new long[sampleShape.length + 1];
    full[0] = GraphBuilder.BATCH;
    System.arraycopy(sampleShape, 0, full, 1, sampleShape.length);
    return g.input("input", GraphBuilder.FLOAT, full);
  }
}
