package io.testbed.inference;

/** Agreement between an INT8 output and the FP32 output on the same input (INT8 accuracy = agreement with FP32). */
public final class Agreement {
  private Agreement() {}

  /** Share of samples whose argmax (top-1 class) is the same in {@code a} and {@code b}, both [batchSize, classes]. */
  public static double top1(float[] a, float[] b, int batchSize) {
    sameLength(a, b);
    if (batchSize <= 0 || a.length % batchSize != 0 || a.length == 0) {
      throw new IllegalArgumentException("outputs of " + a.length + " values do not split into " + batchSize + " samples");
    }
    int classes = a.length / batchSize;
    int same = 0;
    for (int s = 0; s < batchSize; s++) {
      if (argmax(a, s * classes, classes) == argmax(b, s * classes, classes)) same++;
    }
    return (double) same / batchSize;
  }

  /**
   * Largest absolute difference divided by the largest magnitude in {@code b} (the reference): a scale-free error
   * that does not blow up on values near zero. 0 when both are all zeros.
   */
  public static double maxRelativeError(float[] a, float[] b) {
    sameLength(a, b);
    double maxDiff = 0, maxRef = 0;
    for (int i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((double) a[i] - b[i]));
      maxRef = Math.max(maxRef, Math.abs(b[i]));
    }
    if (maxRef == 0) return maxDiff == 0 ? 0 : Double.POSITIVE_INFINITY;
    return maxDiff / maxRef;
  }

  static int argmax(float[] v, int from, int count) {
    int best = from;
    for (int i = from + 1; i < from + count; i++) if (v[i] > v[best]) best = i;
    return best - from;
  }

  private static void sameLength(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("outputs differ in length: " + a.length + " vs " + b.length);
  }
}
