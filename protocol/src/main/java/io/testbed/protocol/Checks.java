package io.testbed.protocol;

import java.util.List;
import java.util.Map;

/** Argument checks for wire records; messages name the field so a bad payload explains itself. */
final class Checks {
  private Checks() {}

  static String id(String field, String v) {
    if (v == null || v.isBlank()) throw new IllegalArgumentException(field + " is required");
    return Topics.requireSegment(v);
  }

  static String text(String field, String v) {
    if (v == null || v.isBlank()) throw new IllegalArgumentException(field + " is required");
    return v;
  }

  static <T> T present(String field, T v) {
    if (v == null) throw new IllegalArgumentException(field + " is required");
    return v;
  }

  static long nonNegative(String field, long v) {
    if (v < 0) throw new IllegalArgumentException(field + " must be >= 0, was " + v);
    return v;
  }

  static double nonNegative(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(field + " must be a finite number >= 0, was " + v);
    return v;
  }

  static Double optionalFinite(String field, Double v) {
    if (v != null && !Double.isFinite(v)) throw new IllegalArgumentException(field + " must be finite, was " + v);
    return v;
  }

  static double fraction(String field, double v) {
    if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(field + " must be in [0, 1], was " + v);
    return v;
  }

  static int positive(String field, int v) {
    if (v <= 0) throw new IllegalArgumentException(field + " must be > 0, was " + v);
    return v;
  }

  static <T> List<T> list(List<T> v) { return v == null ? List.of() : List.copyOf(v); }

  static <K, V> Map<K, V> map(Map<K, V> v) { return v == null ? Map.of() : Map.copyOf(v); }
}
