package io.testbed.power.adapter.model;

import io.testbed.power.port.MeterException;

/** Busy share in [0, 1] of whatever the modelled meter models (a host's CPUs, an emulated device). */
@FunctionalInterface
public interface UtilisationSource {
  double busyShare() throws MeterException;

  static UtilisationSource constant(double share) {
    if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("utilisation must be in [0, 1], was " + share);
    return () -> share;
  }
}
