package io.testbed.agent.exec;

import io.testbed.agent.port.AgentClock;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.WireMessage;
import java.util.function.Consumer;

/**
 * Answers the orchestrator's clock probes at once on the MQTT callback path (never queued behind inferences):
 * {@code t1} is read when the decoded probe is handed over, {@code t2} just before the echo is published.
 */
public final class ClockResponder {
  private ClockResponder() {}

  /** Echoes {@code m} on {@code replies} when it is a {@link ClockProbe}; returns whether it was one. */
  public static boolean answer(WireMessage m, AgentClock clock, Consumer<WireMessage> replies) {
    if (!(m instanceof ClockProbe probe)) return false;
    long t1 = clock.epochNs();
    replies.accept(ClockEcho.of(probe, t1, Math.max(t1, clock.epochNs())));
    return true;
  }
}
