package io.testbed.cloud.rec;

import io.testbed.inference.rec.IndexDistribution;
import io.testbed.inference.rec.RecBatch;
import java.util.Locale;

/**
 * A validated recommendation query: model, item count N and either generation parameters (seed and row-id
 * distribution; the server builds the inputs with {@code RecInputs}) or the input tensors themselves.
 *
 * @param seed query seed: the inputs are {@code RecInputs.of(model, distribution, Dense.UNIFORM, seed).batch(items, 0)}
 * @param distribution row-id distribution for generated inputs
 * @param batch the inputs as sent (binary queries); null: generated
 * @param returnOutputs whether the reply carries the output values
 */
public record RecQuery(String model, int items, long seed, IndexDistribution distribution, RecBatch batch, boolean returnOutputs) {
  public RecQuery {
    if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
    if (items < 1) throw new IllegalArgumentException("items must be >= 1, was " + items);
    if (batch == null && distribution == null) throw new IllegalArgumentException("distribution is required for generated inputs");
    if (batch != null && batch.items() != items) throw new IllegalArgumentException("items " + items + " but the batch has " + batch.items());
  }

  /** A query whose inputs the server generates. */
  public static RecQuery generated(String model, int items, long seed, IndexDistribution distribution) {
    return new RecQuery(model, items, seed, distribution, null, false);
  }

  public RecQuery withOutputs(boolean b) { return new RecQuery(model, items, seed, distribution, batch, b); }

  /** The distribution's wire name: {@code uniform} or {@code power-law:<alpha>}; {@code binary} for sent tensors. */
  public String distributionName() {
    if (batch != null) return "binary";
    return name(distribution);
  }

  /** Wire name of a distribution. */
  public static String name(IndexDistribution d) {
    if (d instanceof IndexDistribution.PowerLaw p) return String.format(Locale.ROOT, "power-law:%s", p.alpha());
    return "uniform";
  }

  /** Parses {@code uniform}, {@code power-law} (alpha 0.9) or {@code power-law:<alpha>}; IllegalArgumentException otherwise. */
  public static IndexDistribution parseDistribution(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("uniform")) return IndexDistribution.uniform();
    if (t.equals("power-law")) return IndexDistribution.powerLaw(IndexDistribution.ALPHA_MEDIUM);
    if (t.startsWith("power-law:")) {
      try {
        return IndexDistribution.powerLaw(Double.parseDouble(t.substring("power-law:".length())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("distribution: alpha of '" + s + "' is not a number");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("distribution: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("distribution: expected 'uniform' or 'power-law:<alpha>', was '" + s + "'");
  }
}
