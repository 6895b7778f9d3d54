package io.testbed.agent.exec;

import io.testbed.agent.interference.InterferenceGenerator;
import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.NetworkState;
import io.testbed.agent.network.RadioTechnology;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.NetworkShaper;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetMode;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.WireMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies control commands (SetInterference, SetNetwork, SetMode) in arrival order on its own thread, beside (not
 * behind) the inference queue, so they take effect at their time on the experiment's timeline. Every control
 * command gets exactly one {@link ControlAck} on the replies topic with the settings actually applied, or
 * {@code applied = false} and an error naming the field and its allowed range. Every applied change is logged at
 * INFO as an event.
 */
public final class ControlHandler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlHandler.class);
  private static final Set<String> TYPES = Set.of("set-interference", "set-network", "set-mode");

  /** {@code ControlAck.error} prefix for SetMode on a device without operating modes. */
  public static final String UNSUPPORTED_MODE = "unsupported-mode";

  private final String deviceId;
  private final InterferenceGenerator interference;
  private final NetworkState network;
  private final NetworkShaper shaper;
  private final Consumer<WireMessage> replies;
  private final AgentClock clock;
  private final ExecutorService thread;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile SensorNode sensor;

  public ControlHandler(String deviceId, InterferenceGenerator interference, NetworkState network, NetworkShaper shaper,
      Consumer<WireMessage> replies, AgentClock clock) {
    this.deviceId = deviceId;
    this.interference = interference;
    this.network = network;
    this.shaper = shaper;
    this.replies = replies;
    this.clock = clock;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "agent-control-" + deviceId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Makes SetMode apply to {@code node}'s modes (a sensor node); without one SetMode is refused {@value #UNSUPPORTED_MODE}. */
  public void sensor(SensorNode node) { this.sensor = node; }

  static boolean isControl(WireMessage m) { return m instanceof SetInterference || m instanceof SetNetwork || m instanceof SetMode; }

  static boolean isControlType(String type) { return TYPES.contains(type); }

  /** Control commands applied. */
  public long appliedControls() { return applied.get(); }

  /** Control commands refused (out of range, wrong device, unsupported). */
  public long refusedControls() { return refused.get(); }

  /** From the MQTT callback: queue for the control thread. Never throws. */
  public void onControl(WireMessage m) {
    submit(() -> {
      ControlAck ack;
      if (m instanceof SetInterference s) ack = interference(s);
      else if (m instanceof SetNetwork s) ack = network(s);
      else if (m instanceof SetMode s) {
        SensorNode node = sensor;
        ack = node == null
            ? refused(s.correlationId(), UNSUPPORTED_MODE + ": " + deviceId + " has no operating modes (mode '" + s.mode() + "' not applied)")
            : mode(node, s);
      } else {
        throw new IllegalArgumentException("not a control command: " + m.getClass().getSimpleName());
      }
      replies.accept(ack);
    });
  }

  /** Answers a control command that could not be decoded (a value outside the protocol's range). */
  void refuse(String correlationId, String error) { submit(() -> replies.accept(refused(correlationId, error))); }

  private void submit(Runnable r) {
    try {
      thread.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.error("control command failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.warn("control command dropped: agent stopping");
    }
  }

  private ControlAck interference(SetInterference s) {
    if (!deviceId.equals(s.deviceId())) return refused(s.correlationId(), wrongDevice(s.deviceId()));
    InterferenceGenerator.Applied a = interference.set(s.cpuLevel(), s.memoryLevel());
    LOG.info("event: interference set to cpu {} memory {} ({} cpu threads at duty {}) [{}]", a.cpuLevel(), a.memoryLevel(), a.cpuThreads(),
        a.cpuDutyCycle(), s.correlationId());
    applied.incrementAndGet();
    return ack(s.correlationId(), a.settings());
  }

  private ControlAck network(SetNetwork s) {
    if (!deviceId.equals(s.deviceId())) return refused(s.correlationId(), wrongDevice(s.deviceId()));
    RadioTechnology tech = s.technology() == null ? null : RadioTechnology.fromWire(s.technology());
    NetworkState.Applied a = network.apply(new NetworkState.Change(s.link(), tech, s.rssiDbm(), s.delayMs(), s.jitterMs(), s.rateMbps(), s.lossPct()));
    if (!a.applied()) return refused(s.correlationId(), a.error());
    a.links().forEach((link, c) -> {
      if (!NetworkState.ALL.equals(link)) shaper.apply(link, c);
    });
    LinkConditions addressed = a.links().get(s.link());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("link", s.link());
    settings.putAll(addressed.settings());
    settings.put("shaper", shaper.kind());
    settings.put("links", List.copyOf(a.links().keySet()));
    LOG.info("event: network link {} set to {} via {} [{}]", s.link(), addressed.settings(), shaper.kind(), s.correlationId());
    applied.incrementAndGet();
    return ack(s.correlationId(), settings);
  }

  private ControlAck mode(SensorNode node, SetMode s) {
    if (!deviceId.equals(s.deviceId())) return refused(s.correlationId(), wrongDevice(s.deviceId()));
    if (SensorNode.ENVIRONMENT_MODE.equals(s.mode())) {
      try {
        Map<String, Double> env = SensorNode.parseEnvironment(s.farUrl());
        Map<String, Object> settings = node.setEnvironment(env.get("ambientC"), env.get("lighting"));
        LOG.info("event: environment set to {} [{}]", settings, s.correlationId());
        applied.incrementAndGet();
        return ack(s.correlationId(), settings);
      } catch (IllegalArgumentException e) {
        return refused(s.correlationId(), e.getMessage());
      }
    }
    io.testbed.agent.sensor.SensorMode next;
    try {
      next = io.testbed.agent.sensor.SensorMode.fromWire(s.mode());
    } catch (IllegalArgumentException e) {
      return refused(s.correlationId(), UNSUPPORTED_MODE + ": " + e.getMessage());
    }
    SensorNode.Applied a;
    try {
      a = node.setMode(next, s.farDeviceId(), s.farUrl());
    } catch (IllegalArgumentException e) {
      return refused(s.correlationId(), e.getMessage());
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("mode", a.mode().wireName());
    settings.put("previousMode", a.previous().wireName());
    settings.put("temperatureC", a.temperatureC());
    if (a.mode() == io.testbed.agent.sensor.SensorMode.FAR) {
      settings.put("farDeviceId", a.farDeviceId());
      settings.put("farUrl", a.farUrl());
    }
    LOG.info("event: mode set to {} (from {}) at {} C [{}]", a.mode().wireName(), a.previous().wireName(),
        String.format(java.util.Locale.ROOT, "%.1f", a.temperatureC()), s.correlationId());
    applied.incrementAndGet();
    return ack(s.correlationId(), settings);
  }

  private String wrongDevice(String other) { return "deviceId: command for '" + other + "' arrived at '" + deviceId + "'"; }

  private ControlAck ack(String correlationId, Map<String, Object> settings) {
    return new ControlAck(SchemaVersion.CURRENT, deviceId, clock.epochNs(), correlationId, true, null, settings);
  }

  private ControlAck refused(String correlationId, String error) {
    refused.incrementAndGet();
    LOG.warn("refused control command {}: {}", correlationId, error);
    return new ControlAck(SchemaVersion.CURRENT, deviceId, clock.epochNs(), correlationId, false, error, Map.of());
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
