package io.testbed.experiments.analysis;

import java.util.List;
import java.util.Map;

/**
 * Energy per query where devices reported it.
 *
 * @param queriesWithEnergy queries that carried an energy figure
 * @param meanJPerQuery mean over those queries
 * @param sources {@code metered} and/or {@code modelled}: every figure says where it comes from
 * @param perDeviceMeanJ mean energy per query, per device
 */
public record EnergyStats(
    long queriesWithEnergy, double totalJ, double meanJPerQuery, List<String> sources, Map<String, Double> perDeviceMeanJ) {
  public EnergyStats {
    sources = List.copyOf(sources);
    perDeviceMeanJ = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(perDeviceMeanJ));
  }
}
