package io.testbed.inference.rec;

import io.testbed.inference.InferenceEngine;
import java.util.Arrays;
import java.util.List;

/**
 * Output of a recommendation model on a batch: {@code items x outputsPerItem} floats (click probabilities; MT-WnD one
 * per task; DIN/DIEN a softmax over 2), the time {@code OrtSession.run} took, and digest = first 16 hex chars of
 * SHA-256 over the floats as little-endian bytes ({@link InferenceEngine#digest}).
 */
public record RecOutput(int items, int outputsPerItem, float[] values, double computeMs, String digest) {
  public RecOutput {
    if (items <= 0 || outputsPerItem <= 0) throw new IllegalArgumentException("items and outputsPerItem must be > 0");
    if (values == null || values.length != (long) items * outputsPerItem) {
      throw new IllegalArgumentException("values must hold items x outputsPerItem = " + (long) items * outputsPerItem + " floats");
    }
    values = values.clone();
  }

  /** Output {@code k} of item {@code item}. */
  public float value(int item, int k) { return values[item * outputsPerItem + k]; }

  /** A copy of the floats. */
  @Override public float[] values() { return values.clone(); }

  /** Shape {items, outputsPerItem}. */
  public long[] shape() { return new long[] {items, outputsPerItem}; }

  /**
   * Sub-request outputs merged back into the query's, in order: values concatenated, computeMs summed (the work done,
   * not the latency of parallel sub-requests), digest recomputed.
   */
  public static RecOutput concat(List<RecOutput> parts) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
    int per = parts.get(0).outputsPerItem;
    int items = 0;
    double ms = 0;
    for (RecOutput p : parts) {
      if (p.outputsPerItem != per) throw new IllegalArgumentException("outputs of different widths: " + p.outputsPerItem + " vs " + per);
      items += p.items;
      ms += p.computeMs;
    }
    float[] v = new float[items * per];
    int at = 0;
    for (RecOutput p : parts) {
      System.arraycopy(p.values, 0, v, at, p.values.length);
      at += p.values.length;
    }
    return new RecOutput(items, per, v, ms, InferenceEngine.digest(v));
  }

  /** Largest absolute difference to another output of the same shape. */
  public double maxAbsDifference(RecOutput other) {
    if (other.items != items || other.outputsPerItem != outputsPerItem) throw new IllegalArgumentException("outputs of different shapes");
    double max = 0;
    for (int i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] - other.values[i]));
    return max;
  }

  @Override public boolean equals(Object o) {
    return o instanceof RecOutput r && r.items == items && r.outputsPerItem == outputsPerItem && Arrays.equals(r.values, values);
  }

  @Override public int hashCode() { return Arrays.hashCode(values); }

  @Override public String toString() { return "RecOutput[" + items + " x " + outputsPerItem + ", " + computeMs + " ms, " + digest + "]"; }
}
