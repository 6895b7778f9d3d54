package io.testbed.protocol;

/**
 * Answer to a {@link ClockProbe}, sent at once on {@code .../replies} (device) or {@code testbed/v1/meters/{id}/replies}
 * (bridge). The orchestrator stamps {@code t3} on arrival and estimates offset, drift and uncertainty.
 *
 * @param deviceId the probe's {@code deviceId}
 * @param timestampNs equals {@code t2}
 * @param t0 the probe's send time (orchestrator clock), copied from the probe
 * @param t1 when the probe was decoded (remote clock), epoch ns
 * @param t2 just before this echo was published (remote clock), epoch ns
 */
public record ClockEcho(int schemaVersion, String deviceId, long timestampNs, String probeId, long t0, long t1, long t2)
    implements WireMessage {
  public ClockEcho {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("probeId", probeId);
    Checks.nonNegative("t0", t0);
    Checks.nonNegative("t1", t1);
    Checks.nonNegative("t2", t2);
    if (t2 < t1) throw new IllegalArgumentException("t2 must be >= t1 (remote clock ran backwards)");
  }

  /** The echo of {@code probe}, received at {@code t1} and sent at {@code t2} on the remote clock. */
  public static ClockEcho of(ClockProbe probe, long t1, long t2) {
    return new ClockEcho(SchemaVersion.CURRENT, probe.deviceId(), t2, probe.probeId(), probe.timestampNs(), t1, t2);
  }
}
