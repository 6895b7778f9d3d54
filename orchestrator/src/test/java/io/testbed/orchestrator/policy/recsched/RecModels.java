package io.testbed.orchestrator.policy.recsched;

import java.util.List;

/**
 * Modelled service costs of SYSTEMS.md section 2's eight models, for the simulator and the bench only: per item,
 * {@code gathered} = tables x lookups x dim embedding floats and {@code fcMacs} = multiply-adds of the MLPs (layer
 * widths as listed, input width first). Assumed costs (not measured): a CPU sub-request of b items takes 20 us + 0.4 ns
 * per FC weight (weights streamed once per sub-request, so batching amortises them) + b x (2 ns per gathered float +
 * 0.05 ns per MAC); the accelerator takes 1 ms per query (launch + transfer) + n x (0.1 ns per float + 0.002 ns per
 * MAC + 500 ns transfer). SLA: 3x the CPU time of an unsplit 164-item query (the lognormal median).
 */
final class RecModels {
  private RecModels() {}

  /** A model's per-item work and its SLA. */
  record Model(String name, long gathered, long fcMacs) {
    SimulatedRecServers.CostModel cost() {
      return new SimulatedRecServers.CostModel(name, Math.round(20_000 + 0.4 * fcMacs), 2.0 * gathered + 0.05 * fcMacs,
          1_000_000, 0.1 * gathered + 0.002 * fcMacs + 500);
    }

    long slaNs() {
      SimulatedRecServers.CostModel c = cost();
      return Math.round(3 * (c.cpuFixedNs() + 164 * c.cpuPerItemNs()));
    }
  }

  static long mlp(int... widths) {
    long macs = 0;
    for (int i = 1; i < widths.length; i++) macs += (long) widths[i - 1] * widths[i];
    return macs;
  }

  static final List<Model> ALL = List.of(
      new Model("DLRM-RMC1", 8L * 80 * 32, mlp(128, 64, 32) + mlp(288, 256, 64, 1)),
      new Model("DLRM-RMC2", 32L * 120 * 64, mlp(256, 128, 64) + mlp(2112, 128, 64, 1)),
      new Model("DLRM-RMC3", 10L * 20 * 32, mlp(2560, 1024, 256, 32) + mlp(352, 512, 256, 1)),
      new Model("WnD", 27L * 32, mlp(1376, 1024, 512, 256, 1)),
      new Model("MT-WnD", 43L * 32, mlp(1888, 1024, 512) + 3 * mlp(512, 256, 128)), // 3 tasks assumed
      new Model("NCF", 4L * 64, mlp(128, 256, 256, 128, 64, 64)),
      new Model("DIN", 4L * 3 * 32, 40 * mlp(96, 1, 32) + mlp(128, 200, 80, 2)), // attention per 40 behaviours assumed
      new Model("DIEN", 43L * 32, 40L * 3 * (32 * 64 + 64 * 64) + mlp(160, 200, 80, 2))); // GRU, 40 steps, hidden 64
}
