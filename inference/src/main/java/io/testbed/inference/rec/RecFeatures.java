package io.testbed.inference.rec;

/**
 * Recommendation-specific features read off a model's graph, beside the protocol's {@code ModelFeatures} (which has
 * no embedding field). Per sample = per item; the batch is left out.
 *
 * @param tables embedding tables
 * @param totalRows rows over all tables (at the built scale)
 * @param dim embedding dim
 * @param lookupsPerSample table rows read per item (tables x lookups)
 * @param embeddingBytes bytes of all tables (FP32)
 * @param fcMacsPerSample multiply-accumulates per item of the fc, interaction, attention and recurrent layers
 *     (= {@code ModelFeatures.macs()}); the embedding adds are not MACs and not in it
 * @param embeddingBytesReadPerSample table bytes read per item: lookups x dim x 4
 * @param parameterBytes bytes of all initializers: tables, MLP weights and small constants
 */
public record RecFeatures(
    int tables, long totalRows, int dim, int lookupsPerSample, long embeddingBytes, long fcMacsPerSample,
    long embeddingBytesReadPerSample, long parameterBytes) {

  /** Embedding adds per item (SparseLengthsSum: one add per looked-up element). */
  public long embeddingAddsPerSample() { return (long) lookupsPerSample * dim; }

  /** FLOPs per byte of table traffic of the embedding part: 1 add per 4 bytes read = 0.25 (SYSTEMS.md section 3). */
  public double embeddingFlopsPerByte() { return embeddingBytesReadPerSample == 0 ? 0 : (double) embeddingAddsPerSample() / embeddingBytesReadPerSample; }
}
