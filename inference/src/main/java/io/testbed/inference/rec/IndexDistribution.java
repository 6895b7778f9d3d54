package io.testbed.inference.rec;

import java.util.random.RandomGenerator;

/**
 * How embedding row ids are drawn (SYSTEMS.md section 3: uniform and power-law access traces). Pure: the caller
 * passes the seeded generator.
 */
public sealed interface IndexDistribution permits IndexDistribution.Uniform, IndexDistribution.PowerLaw {
  /** Power-law exponent whose hottest 1% of 125,000 rows (RMC1's table at the default scale) take about 23% of the lookups. */
  double ALPHA_LOW = 0.7;
  /** ... about 47% of the lookups. */
  double ALPHA_MEDIUM = 0.9;
  /** ... about 61% of the lookups. */
  double ALPHA_HIGH = 1.0;

  /** A row id in [0, rows) for a lookup into table {@code table}. */
  long next(RandomGenerator rng, long rows, int table);

  /** Expected share of lookups that hit the {@code hottest} most frequent rows of a table of {@code rows}. */
  double coverage(long rows, long hottest);

  /** Every row equally likely. */
  static IndexDistribution uniform() { return new Uniform(); }

  /** Row of popularity rank r (0 = hottest) drawn with probability about proportional to (r + 1)^-alpha. */
  static IndexDistribution powerLaw(double alpha) { return new PowerLaw(alpha); }

  /**
   * The power law whose hottest {@code topFraction} of {@code rows} rows take {@code coverage} of the lookups: the
   * hit rate of an ideal cache of that many rows (an LRU of the same size hits somewhat less). Bisection on alpha.
   */
  static PowerLaw powerLawForCoverage(long rows, double topFraction, double coverage) {
    if (!(topFraction > 0 && topFraction < 1) || !(coverage > topFraction && coverage < 1)) {
      throw new IllegalArgumentException("need 0 < topFraction < coverage < 1, were " + topFraction + ", " + coverage);
    }
    long hottest = Math.max(1, Math.round(rows * topFraction));
    double lo = 0, hi = 4;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (new PowerLaw(mid).coverage(rows, hottest) < coverage) lo = mid;
      else hi = mid;
    }
    return new PowerLaw((lo + hi) / 2);
  }

  /** Every row equally likely: a cache of k rows of n hits k / n. */
  record Uniform() implements IndexDistribution {
    @Override public long next(RandomGenerator rng, long rows, int table) { return rng.nextLong(rows); }

    @Override public double coverage(long rows, long hottest) { return Math.min(1.0, (double) hottest / rows); }
  }

  /**
   * Power law over popularity ranks: the rank is floor(x) - 1 for x drawn from the continuous density ~ x^-alpha on
   * [1, rows + 1) by inverse transform, so P(rank < k) = ((k+1)^(1-a) - 1) / ((rows+1)^(1-a) - 1) (log form for
   * a = 1). Ranks map to rows through a per-table affine permutation (rank x odd prime + offset mod rows), so the hot
   * rows are scattered over the table as in real traces and differ between tables.
   */
  record PowerLaw(double alpha) implements IndexDistribution {
    private static final long[] PRIMES = {1_000_003L, 998_244_353L, 2_147_483_647L};

    public PowerLaw {
      if (!(alpha >= 0) || alpha > 10) throw new IllegalArgumentException("alpha must be in [0, 10], was " + alpha);
    }

    @Override public long next(RandomGenerator rng, long rows, int table) {
      long rank = rank(rng.nextDouble(), rows);
      return Math.floorMod(rank * multiplier(rows) + offset(rows, table), rows);
    }

    /** The popularity rank for a uniform u in [0, 1). */
    long rank(double u, long rows) {
      double x;
      if (Math.abs(alpha - 1) < 1e-9) {
        x = Math.exp(u * Math.log(rows + 1.0));
      } else {
        double e = 1 - alpha;
        x = Math.pow(u * (Math.pow(rows + 1.0, e) - 1) + 1, 1 / e);
      }
      return Math.max(0, Math.min(rows - 1, (long) Math.floor(x) - 1));
    }

    @Override public double coverage(long rows, long hottest) {
      long k = Math.min(hottest, rows);
      if (Math.abs(alpha - 1) < 1e-9) return Math.log(k + 1.0) / Math.log(rows + 1.0);
      double e = 1 - alpha;
      return (Math.pow(k + 1.0, e) - 1) / (Math.pow(rows + 1.0, e) - 1);
    }

    private static long multiplier(long rows) {
      for (long p : PRIMES) if (rows % p != 0) return Math.max(1, p % rows); // coprime with rows: a permutation
      return 1;
    }

    private static long offset(long rows, int table) { return Math.floorMod(0x9E3779B97F4A7C15L * (table + 1), rows); }
  }
}
