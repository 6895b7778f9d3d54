package io.testbed.power.pipeline;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for reconnecting a failed meter: attempt n waits
 * {@code min(max, initial x multiplier^n)} scaled by a random factor in {@code [1 - jitter, 1 + jitter]}.
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {
  public Backoff {
    if (initial == null || initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("backoff.initial must be > 0, was " + initial);
    if (max == null || max.compareTo(initial) < 0) throw new IllegalArgumentException("backoff.max must be >= backoff.initial, was " + max);
    if (!(multiplier >= 1)) throw new IllegalArgumentException("backoff.multiplier must be >= 1, was " + multiplier);
    if (!(jitter >= 0 && jitter < 1)) throw new IllegalArgumentException("backoff.jitter must be in [0, 1), was " + jitter);
  }

  /** Delay before retry number {@code attempt} (0 for the first retry). */
  public Duration delay(int attempt, RandomGenerator random) {
    double base = initial.toNanos() * Math.pow(multiplier, Math.max(0, attempt));
    double capped = Math.min(base, max.toNanos());
    double factor = jitter == 0 ? 1 : 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofNanos(Math.max(1, Math.round(Math.min(capped * factor, (double) max.toNanos()))));
  }
}
