package io.testbed.orchestrator;

import io.testbed.protocol.ControlAck;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.State;
import io.testbed.protocol.TargetKind;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A test-side phone for AutoScale over a real broker (Paho): answers {@code SetInterference}/{@code SetNetwork} with
 * {@code ControlAck}s (refusing {@code delayMs} over 5000 naming the range), reports the commanded co-runner load and
 * per-link RSSI in heartbeats (at once after each change and every 200 ms), and answers inference commands after a
 * latency, with an energy, that depend on the target and on the RSSI the injector set: an offload costs 10 ms and
 * 0.02 J at RSSI >= -80 dBm but 250 ms and 0.30 J below; cpu@2000 50 ms / 0.12 J, cpu@1000 140 ms / 0.09 J, dsp
 * (INT8) 70 ms / 0.08 J with agreement 0.9; co-runner CPU load slows local targets by (1 + cpuLevel). With a 150 ms
 * QoS the best action is the cloud at strong RSSI and the DSP at weak RSSI, with room for a loaded host's overhead.
 */
public final class AutoScalePhone implements AutoCloseable {
  private final String id;
  private final MqttClient client;
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, Double> rssi = new ConcurrentHashMap<>();
  private volatile double cpuLevel;
  private volatile double memoryLevel;
  public final List<WireMessage> controls = new CopyOnWriteArrayList<>();
  public final List<InferenceCommand> commands = new CopyOnWriteArrayList<>();

  private AutoScalePhone(String id, MqttClient client) {
    this.id = id;
    this.client = client;
  }

  /** The phone's hello: cpu FP32 at 1000/2000 MHz, dsp INT8, mobilenet in FP32 and INT8. */
  public static Hello hello(String id) {
    return new Hello(SchemaVersion.CURRENT, id, Fixtures.T0, DeviceKind.PHONE, "phone", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(1000, 2000), 1.0, false),
            new ExecutionTarget("dsp", TargetKind.DSP, Precision.INT8, List.of(), 2.0, true)),
        List.of(new ModelInfo("mobilenet", "vision", List.of(Precision.FP32, Precision.INT8),
            new ModelFeatures(10, 1, 0, 300_000_000L, 4_000_000L, List.of(3L, 224L, 224L)))),
        List.of(), Map.of("agent", "test"), null, List.of("test-side AutoScale phone"));
  }

  /** Connects, says hello (retained) and goes online; links start at -60 dBm. */
  public static AutoScalePhone start(String brokerUrl, String id, List<String> links) throws MqttException {
    MqttClient client = new MqttClient(brokerUrl, "as-phone-" + id + "-" + System.nanoTime(), new MemoryPersistence());
    client.setTimeToWait(10_000);
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    o.setWill(Topics.state(id), WireCodec.encode(State.offline(id, Fixtures.T0)), 1, true);
    client.connect(o);
    AutoScalePhone p = new AutoScalePhone(id, client);
    links.forEach(l -> p.rssi.put(l, -60.0));
    client.subscribe(Topics.commands(id), 1, (topic, message) -> {
      WireMessage m;
      try {
        m = WireCodec.decode(message.getPayload());
      } catch (Exception e) {
        return;
      }
      WireMessage msg = m;
      p.executor.execute(() -> p.handle(msg));
    });
    p.publish(Topics.hello(id), hello(id), true);
    p.publish(Topics.state(id), State.online(id, Fixtures.T0), true);
    p.executor.scheduleAtFixedRate(p::heartbeat, 0, 200, TimeUnit.MILLISECONDS);
    return p;
  }

  private void handle(WireMessage m) {
    if (m instanceof SetInterference s) {
      controls.add(s);
      cpuLevel = s.cpuLevel();
      memoryLevel = s.memoryLevel();
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("cpuLevel", s.cpuLevel());
      settings.put("memoryLevel", s.memoryLevel());
      settings.put("cpuThreads", s.cpuLevel() > 0 ? 1 : 0);
      publish(Topics.replies(id), new ControlAck(SchemaVersion.CURRENT, id, now(), s.correlationId(), true, null, settings), false);
      heartbeat();
    } else if (m instanceof SetNetwork n) {
      controls.add(n);
      if (n.delayMs() != null && n.delayMs() > 5000) {
        publish(Topics.replies(id), new ControlAck(SchemaVersion.CURRENT, id, now(), n.correlationId(), false,
            "delayMs " + n.delayMs().longValue() + " is out of range: allowed [0, 5000] ms", null), false);
        return;
      }
      List<String> changed = "*".equals(n.link()) ? List.copyOf(rssi.keySet()) : List.of(n.link());
      if (n.rssiDbm() != null) changed.forEach(l -> rssi.put(l, n.rssiDbm()));
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("link", n.link());
      if (n.technology() != null) settings.put("technology", n.technology());
      if (n.rssiDbm() != null) settings.put("rssiDbm", n.rssiDbm());
      settings.put("rateMbps", n.rssiDbm() != null && n.rssiDbm() < -80 ? 4.2 : 42.3);
      settings.put("shaper", "none");
      settings.put("links", changed);
      publish(Topics.replies(id), new ControlAck(SchemaVersion.CURRENT, id, now(), n.correlationId(), true, null, settings), false);
      heartbeat();
    } else if (m instanceof InferenceCommand c) {
      commands.add(c);
      double latency;
      double energy;
      Double agreement = null;
      if (c.offloaded()) {
        boolean weak = rssi.getOrDefault(c.offloadDeviceId(), -60.0) < -80;
        latency = weak ? 250 : 10;
        energy = weak ? 0.30 : 0.02;
      } else if ("dsp".equals(c.target())) {
        latency = 70 * (1 + cpuLevel);
        energy = 0.08;
        agreement = 0.9;
      } else {
        boolean low = c.dvfsLevelMHz() != null && c.dvfsLevelMHz() == 1000;
        latency = (low ? 140 : 50) * (1 + cpuLevel);
        energy = low ? 0.09 : 0.12;
      }
      double ms = latency;
      double j = energy;
      Double agr = agreement;
      executor.schedule(() -> publish(Topics.replies(id), result(c, ms, j, agr), false), (long) latency, TimeUnit.MILLISECONDS);
    }
  }

  private InferenceResult result(InferenceCommand c, double latencyMs, double energyJ, Double agreement) {
    long start = now() - (long) (latencyMs * 1e6);
    long end = now();
    return new InferenceResult(SchemaVersion.CURRENT, id, end, c.correlationId(), c.model(), c.target(), c.precision(),
        c.offloaded() ? c.offloadDeviceId() : id, c.batchSize(), Outcome.OK, null, latencyMs, latencyMs * 0.8,
        c.offloaded() ? latencyMs * 0.5 : null, start, end, "abcd", energyJ, PowerSource.MODELLED, 1000L, 2000L,
        agreement == null ? null : Map.of("agreement", agreement));
  }

  private void heartbeat() {
    publish(Topics.heartbeat(id), new Heartbeat(SchemaVersion.CURRENT, id, now(), seq.incrementAndGet(), 0.3, 1_000_000L,
        4_000_000L, 40.0, PowerSource.MODELLED, rssi.values().stream().findFirst().orElse(null), cpuLevel, memoryLevel,
        Map.copyOf(rssi), null), false);
  }

  private static long now() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private synchronized void publish(String topic, WireMessage m, boolean retained) {
    try {
      client.publish(topic, WireCodec.encode(m), 1, retained);
    } catch (MqttException e) {
      if (client.isConnected()) throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws MqttException {
    executor.shutdownNow();
    if (client.isConnected()) {
      publish(Topics.state(id), State.offline(id, Fixtures.T0), true);
      client.disconnect();
    }
    client.close(true);
  }
}
