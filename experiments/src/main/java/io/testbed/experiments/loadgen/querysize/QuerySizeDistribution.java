package io.testbed.experiments.loadgen.querysize;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How many candidate items one recommendation query carries (SYSTEMS.md section 2, "Load"): lognormal (the default,
 * mu 5.1 sigma 0.2, median ~164), normal, fixed, or an empirical percentile table; every draw is rounded to the
 * nearest integer and clipped to [{@link #MIN_ITEMS}, {@link #MAX_ITEMS}]. Pure: the caller passes a seeded generator.
 */
public sealed interface QuerySizeDistribution {
  int MIN_ITEMS = 1;
  int MAX_ITEMS = 1024;
  double DEFAULT_MU = 5.1;
  double DEFAULT_SIGMA = 0.2;

  /** One query size in [1, 1024]. */
  int sample(RandomGenerator rng);

  /** Short text for logs and summaries, e.g. {@code lognormal(mu=5.1, sigma=0.2)}. */
  String describe();

  /** SYSTEMS.md section 2's default: lognormal(5.1, 0.2). */
  static QuerySizeDistribution defaultDistribution() { return lognormal(DEFAULT_MU, DEFAULT_SIGMA); }

  static LogNormal lognormal(double mu, double sigma) { return new LogNormal(mu, sigma); }

  static Normal normal(double mean, double sd) { return new Normal(mean, sd); }

  static Fixed fixed(int items) { return new Fixed(items); }

  static Empirical empirical(List<PercentilePoint> table) { return new Empirical(table); }

  /** Rounds to the nearest integer and clips to [1, 1024]; NaN (impossible from the kinds here) maps to 1. */
  static int clip(double items) {
    if (!(items >= MIN_ITEMS)) return MIN_ITEMS;
    if (items >= MAX_ITEMS) return MAX_ITEMS;
    return (int) Math.round(items);
  }

  /** {@code exp(mu + sigma * Z)}, Z standard normal; the median before rounding is {@code exp(mu)}. */
  record LogNormal(double mu, double sigma) implements QuerySizeDistribution {
    public LogNormal {
      if (!Double.isFinite(mu)) throw new IllegalArgumentException("mu must be a finite number");
      if (!(sigma >= 0 && Double.isFinite(sigma))) throw new IllegalArgumentException("sigma must be >= 0");
    }

    @Override
    public int sample(RandomGenerator rng) { return clip(Math.exp(mu + sigma * rng.nextGaussian())); }

    @Override
    public String describe() { return "lognormal(mu=" + mu + ", sigma=" + sigma + ")"; }
  }

  /** {@code mean + sd * Z}; draws below 1 or above 1024 are clipped (not redrawn), so the mass piles at the ends. */
  record Normal(double mean, double sd) implements QuerySizeDistribution {
    public Normal {
      if (!Double.isFinite(mean)) throw new IllegalArgumentException("mean must be a finite number");
      if (!(sd >= 0 && Double.isFinite(sd))) throw new IllegalArgumentException("sd must be >= 0");
    }

    @Override
    public int sample(RandomGenerator rng) { return clip(mean + sd * rng.nextGaussian()); }

    @Override
    public String describe() { return "normal(mean=" + mean + ", sd=" + sd + ")"; }
  }

  /** Every query has {@code items} items (must already lie in [1, 1024]: a fixed size is never silently clipped). */
  record Fixed(int items) implements QuerySizeDistribution {
    public Fixed {
      if (items < MIN_ITEMS || items > MAX_ITEMS) {
        throw new IllegalArgumentException("items must be in [" + MIN_ITEMS + ", " + MAX_ITEMS + "]");
      }
    }

    @Override
    public int sample(RandomGenerator rng) { return items; }

    @Override
    public String describe() { return "fixed(" + items + ")"; }
  }

  /** One row of an empirical table: {@code percentile} in [0, 100] and the query size at it. */
  record PercentilePoint(double percentile, double items) {
    public PercentilePoint {
      if (!(percentile >= 0 && percentile <= 100)) throw new IllegalArgumentException("percentile must be in [0, 100]");
      if (!(items > 0 && Double.isFinite(items))) throw new IllegalArgumentException("items must be > 0");
    }
  }

  /**
   * Inverse-CDF sampling from a percentile table: a uniform draw {@code u} in [0, 100) is mapped by linear
   * interpolation between the two rows around it; below the first row's percentile the first row's size is used,
   * above the last row's the last row's. Rows: at least 2, percentiles strictly increasing, sizes non-decreasing.
   */
  record Empirical(List<PercentilePoint> table) implements QuerySizeDistribution {
    public Empirical {
      table = List.copyOf(table);
      if (table.size() < 2) throw new IllegalArgumentException("an empirical table needs at least 2 rows");
      for (int i = 1; i < table.size(); i++) {
        if (!(table.get(i).percentile() > table.get(i - 1).percentile())) {
          throw new IllegalArgumentException("percentiles must be strictly increasing (row " + (i + 1) + ")");
        }
        if (table.get(i).items() < table.get(i - 1).items()) {
          throw new IllegalArgumentException("items must not decrease as the percentile grows (row " + (i + 1) + ")");
        }
      }
    }

    @Override
    public int sample(RandomGenerator rng) { return clip(quantile(rng.nextDouble() * 100)); }

    /** The interpolated size at {@code percentile} (0..100), before rounding and clipping. */
    public double quantile(double percentile) {
      PercentilePoint first = table.get(0);
      if (percentile <= first.percentile()) return first.items();
      for (int i = 1; i < table.size(); i++) {
        PercentilePoint hi = table.get(i);
        if (percentile <= hi.percentile()) {
          PercentilePoint lo = table.get(i - 1);
          double f = (percentile - lo.percentile()) / (hi.percentile() - lo.percentile());
          return lo.items() + f * (hi.items() - lo.items());
        }
      }
      return table.get(table.size() - 1).items();
    }

    @Override
    public String describe() {
      return "empirical(" + table.size() + " rows, p" + fmt(table.get(0).percentile()) + "=" + fmt(table.get(0).items())
          + " .. p" + fmt(table.get(table.size() - 1).percentile()) + "=" + fmt(table.get(table.size() - 1).items()) + ")";
    }

    private static String fmt(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }
  }
}
