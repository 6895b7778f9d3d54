package io.testbed.inference;

/**
 * Output of one inference: the first graph output's floats, its shape, the time {@code OrtSession.run} took, and
 * digest = first 16 hex chars of SHA-256 over the output floats as little-endian bytes.
 */
public record InferenceOutput(float[] values, long[] shape, double computeMs, String digest) {
  /** Index of the largest value of one sample's row (top-1 class). */
  public int argmax(int sample) {
    int classes = values.length / Math.toIntExact(shape[0]);
    return Agreement.argmax(values, sample * classes, classes);
  }
}
