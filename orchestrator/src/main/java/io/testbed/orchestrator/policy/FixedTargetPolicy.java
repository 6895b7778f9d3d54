package io.testbed.orchestrator.policy;

import java.util.List;

/**
 * The spec's {@code fixed} policy: every query runs on the one target the spec names (or offloads to its peer).
 * Queries go round-robin over the experiment's devices (query {@code i} to device {@code i mod n}) and, per device,
 * round-robin over the models; a lost device keeps its share, so its queries fail with {@code device-offline} and no
 * other device's load changes.
 */
public final class FixedTargetPolicy implements TargetPolicy {
  public static final String NAME = "fixed";

  private final List<String> devices;
  private final List<String> models;
  private final String target;
  private final String offloadTo;

  public FixedTargetPolicy(List<String> devices, List<String> models, String target, String offloadTo) {
    if (devices.isEmpty() || models.isEmpty()) throw new IllegalArgumentException("devices and models are required");
    if (target == null || target.isBlank()) throw new IllegalArgumentException("target is required");
    this.devices = List.copyOf(devices);
    this.models = List.copyOf(models);
    this.target = target;
    this.offloadTo = offloadTo;
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Decision choose(QueryContext query, FleetState fleet) {
    int n = devices.size();
    String device = devices.get((int) Math.floorMod(query.queryId(), (long) n));
    String model = models.get((int) Math.floorMod(query.queryId() / n, (long) models.size()));
    return new Decision(device, model, target, offloadTo);
  }
}
