package io.testbed.inference.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;

/** Embedding lookups read off a hand-made graph, and the builder's shapes for the recommendation ops. */
class EmbeddingFeaturesTest {
  @Test
  void countsTablesLookupsAndBytesRead() {
    GraphBuilder g = new GraphBuilder("emb");
    String idx = g.input("indices", GraphBuilder.INT64, GraphBuilder.BATCH, 2, 5);
    String[] parts = g.split(idx, 1, 2);
    assertThat(g.shape(parts[1])).containsExactly(GraphBuilder.BATCH, 1, 5);
    String t0 = g.initFloat("t0", new float[100 * 8], 100, 8);
    String t1 = g.initFloat("t1", new float[30 * 8], 30, 8);
    String gathered = g.gather(t0, parts[0], 0);
    assertThat(g.shape(gathered)).containsExactly(GraphBuilder.BATCH, 1, 5, 8);
    String bag0 = g.reduceSum(gathered, false, 1, 2);
    assertThat(g.shape(bag0)).containsExactly(GraphBuilder.BATCH, 8);
    String seq = g.reshape(g.gather(t1, parts[1], 0), 0, 5, 8);
    assertThat(g.shape(seq)).containsExactly(GraphBuilder.BATCH, 5, 8);
    String tiled = g.tile(g.reshape(bag0, 0, 1, 8), 1, 5, 1);
    assertThat(g.shape(tiled)).containsExactly(GraphBuilder.BATCH, 5, 8);
    String dots = g.batchMatMul(seq, g.transpose(tiled, 0, 2, 1));
    assertThat(g.shape(dots)).containsExactly(GraphBuilder.BATCH, 5, 5);
    String picked = g.gather(g.reshape(dots, 0, 25), g.initInt64("pick", new long[] {1, 2, 3}, 3), 1); // not a table lookup
    assertThat(g.shape(picked)).containsExactly(GraphBuilder.BATCH, 3);
    g.output(g.sigmoid(g.concat(1, java.util.List.of(bag0, picked))));
    OnnxMl.ModelProto m = g.build();
    GraphFeatures.Embeddings e = GraphFeatures.embeddings(m);
    assertThat(e.tables()).isEqualTo(2);
    assertThat(e.totalRows()).isEqualTo(130);
    assertThat(e.tableBytes()).isEqualTo(130 * 8 * 4);
    assertThat(e.lookupsPerSample()).isEqualTo(10);
    assertThat(e.bytesReadPerSample()).isEqualTo(10 * 8 * 4);
    assertThat(e.nodeNames()).hasSize(3); // two lookups and one pooling
    assertThat(GraphFeatures.of(m).macs()).isEqualTo(5 * 5 * 8);
  }

  @Test
  void aGraphWithoutTablesHasNoEmbeddings() {
    GraphBuilder g = new GraphBuilder("plain");
    String x = g.input("x", GraphBuilder.FLOAT, GraphBuilder.BATCH, 4);
    g.output(g.relu(g.matMul(x, g.initFloat("w", new float[8], 4, 2))));
    GraphFeatures.Embeddings e = GraphFeatures.embeddings(g.build());
    assertThat(e.tables()).isZero();
    assertThat(e.lookupsPerSample()).isZero();
    assertThat(e.nodeNames()).isEmpty();
  }
}
