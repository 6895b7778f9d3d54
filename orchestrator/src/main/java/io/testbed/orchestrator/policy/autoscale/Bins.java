package io.testbed.orchestrator.policy.autoscale;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One discretisation axis of AutoScale's state (SYSTEMS.md section 1): ascending upper bounds, optionally an exact-zero
 * first bin, and a label per bin.
 *
 * <p>Bin of {@code v}: with {@code zeroBin}, {@code v <= 0} is bin 0; then the first bound {@code b[i]} with
 * {@code v < b[i]} gives bin {@code offset + i}; otherwise the last bin ({@code v >= b[last]}). So bounds
 * {@code [30, 50]} make {@code <30 / <50 / >=50}, and {@code zeroBin} with {@code [0.25, 0.75]} makes
 * {@code 0 / <0.25 / <0.75 / >=0.75}.
 *
 * @param upperBounds strictly ascending, finite; may be empty (one bin)
 * @param zeroBin true when exactly zero (or less) is a bin of its own; the first bound must then be {@code > 0}
 * @param labels one per bin, or empty for generated labels ({@code =0}, {@code <30}, {@code >=50}); a label may not
 *     contain a space or a comma (it is part of the state's text form)
 */
public record Bins(List<Double> upperBounds, boolean zeroBin, List<String> labels) {

  public Bins {
    upperBounds = List.copyOf(upperBounds);
    labels = List.copyOf(labels);
  }

  /** Bins from bounds only, generated labels. */
  public static Bins of(double... upperBounds) {
    return new Bins(boxed(upperBounds), false, List.of());
  }

  /** Bins with an exact-zero bin first, generated labels. */
  public static Bins withZero(double... upperBounds) {
    return new Bins(boxed(upperBounds), true, List.of());
  }

  /** These bins with the given labels (one per bin). */
  public Bins labelled(String... names) {
    return new Bins(upperBounds, zeroBin, List.of(names));
  }

  /** Number of bins. */
  public int count() {
    return upperBounds.size() + 1 + (zeroBin ? 1 : 0);
  }

  /** The bin of a value (see the type's description); NaN is refused by the callers' validation. */
  public int bin(double v) {
    int offset = 0;
    if (zeroBin) {
      if (v <= 0) return 0;
      offset = 1;
    }
    List<Double> b = upperBounds;
    for (int i = 0, n = b.size(); i < n; i++) {
      if (v < b.get(i)) return offset + i;
    }
    return offset + b.size();
  }

  /** The label of bin {@code i}: the configured one, else {@code =0}, {@code <x} or {@code >=x}. */
  public String label(int i) {
    if (i < 0 || i >= count()) throw new IndexOutOfBoundsException("bin " + i + " of " + count());
    if (!labels.isEmpty()) return "=" + labels.get(i);
    if (zeroBin) {
      if (i == 0) return "=0";
      i--;
    }
    if (i < upperBounds.size()) return "<" + number(upperBounds.get(i));
    return ">=" + number(upperBounds.get(upperBounds.size() - 1));
  }

  /** The bin whose label is {@code label}, or -1. */
  public int binOfLabel(String label) {
    for (int i = 0; i < count(); i++) if (label(i).equals(label)) return i;
    return -1;
  }

  /** Adds a message naming {@code field} for each problem. */
  void validate(String field, List<String> problems) {
    for (int i = 0; i < upperBounds.size(); i++) {
      double b = upperBounds.get(i);
      if (!Double.isFinite(b)) problems.add(field + ".upper-bounds[" + i + "] must be finite, was " + b);
      if (i > 0 && !(b > upperBounds.get(i - 1))) {
        problems.add(field + ".upper-bounds must be strictly ascending, was " + upperBounds);
        break;
      }
    }
    if (zeroBin && !upperBounds.isEmpty() && !(upperBounds.get(0) > 0)) {
      problems.add(field + ".upper-bounds[0] must be > 0 with a zero bin, was " + upperBounds.get(0));
    }
    if (!labels.isEmpty()) {
      if (labels.size() != count()) {
        problems.add(field + ".labels must have one label per bin (" + count() + "), had " + labels.size());
      }
      for (String l : labels) {
        if (l == null || l.isBlank() || l.contains(" ") || l.contains(",")) {
          problems.add(field + ".labels must be non-empty without spaces or commas, was '" + l + "'");
        }
      }
      if (labels.stream().distinct().count() != labels.size()) problems.add(field + ".labels must be distinct");
    }
  }

  /**
   * Stable text of this axis for the Q-table's bins signature; labelled axes add their bounds ({@code =weak|=regular@-80}),
   * so moving a labelled threshold changes the signature too.
   */
  String signature() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < count(); i++) parts.add(label(i));
    String text = String.join("|", parts);
    if (labels == null || labels.isEmpty()) return text;
    return text + "@" + String.join(",", upperBounds.stream().map(Bins::number).toList());
  }

  /** 1e9 -> "1G", 0.25 -> "0.25", 30 -> "30": short and exact, so labels round-trip. */
  static String number(double v) {
    BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
    String[] suffix = {"", "k", "M", "G", "T"};
    int k = 0;
    while (k < suffix.length - 1 && d.abs().compareTo(BigDecimal.valueOf(1000)) >= 0
        && d.remainder(BigDecimal.valueOf(1000)).signum() == 0) {
      d = d.divide(BigDecimal.valueOf(1000));
      k++;
    }
    return d.stripTrailingZeros().toPlainString() + suffix[k];
  }

  private static List<Double> boxed(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double x : v) out.add(x);
    return out;
  }
}
