package io.testbed.agent.port;

import java.util.OptionalDouble;

/**
 * The hook for metered energy: when a physical meter is bound to the device (a later issue), the energy of an
 * inference's window comes from its samples and replaces the modelled figure ({@code energySource = metered}).
 * Without a meter (the default) every energy is modelled.
 */
@FunctionalInterface
public interface EnergyMeter {
  /** Metered whole-device energy over {@code [startMonoNs, endMonoNs]}, or empty when no metered samples cover it. */
  OptionalDouble energyJ(long startMonoNs, long endMonoNs);

  /** No meter bound: energy is modelled. */
  EnergyMeter NONE = (from, to) -> OptionalDouble.empty();
}
