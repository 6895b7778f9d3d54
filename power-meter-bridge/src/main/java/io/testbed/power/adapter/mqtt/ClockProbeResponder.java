package io.testbed.power.adapter.mqtt;

import io.testbed.power.port.TimeSource;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.Optional;
import java.util.Set;

/**
 * The bridge's side of clock sync: a {@link ClockProbe} for one of its meters, on {@code testbed/v1/meters/{id}/commands},
 * is answered with a {@link ClockEcho} on {@code .../replies}, {@code t1} read at decode and {@code t2} just before the
 * publish (the caller reads {@code t2} through {@link #echo}).
 */
public final class ClockProbeResponder {
  private final Set<String> meterIds;
  private final TimeSource time;
  private long ignored;

  public ClockProbeResponder(Set<String> meterIds, TimeSource time) {
    this.meterIds = Set.copyOf(meterIds);
    this.time = time;
  }

  /** The echo to publish on {@code Topics.meterReplies(meterId)}; empty for anything that is not a probe for one of our meters. */
  public Optional<ClockEcho> answer(String topic, byte[] payload) {
    long t1 = time.epochNanos();
    Optional<Topics.MeterTopic> t = Topics.parseMeterTopic(topic);
    if (t.isEmpty() || !"commands".equals(t.get().channel()) || !meterIds.contains(t.get().meterId())) return ignore();
    WireMessage m;
    try {
      m = WireCodec.decode(payload);
    } catch (MalformedMessageException e) {
      return ignore();
    }
    if (!(m instanceof ClockProbe p) || !p.deviceId().equals(t.get().meterId())) return ignore();
    return Optional.of(ClockEcho.of(p, t1, Math.max(t1, time.epochNanos())));
  }

  /** Topics to subscribe: one commands topic per meter. */
  public String[] topics() { return meterIds.stream().sorted().map(Topics::meterCommands).toArray(String[]::new); }

  /** Messages on the commands topics that were not a valid probe for one of our meters. */
  public synchronized long ignored() { return ignored; }

  private synchronized Optional<ClockEcho> ignore() {
    ignored++;
    return Optional.empty();
  }
}
