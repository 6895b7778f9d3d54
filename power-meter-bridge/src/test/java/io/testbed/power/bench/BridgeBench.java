package io.testbed.power.bench;

import com.typesafe.config.ConfigFactory;
import io.testbed.power.adapter.mqtt.PahoSamplePublisher;
import io.testbed.power.app.MeterStatus;
import io.testbed.power.app.PowerBridge;
import io.testbed.power.config.BridgeSettings;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Bench (not a test): sustained rate through a real Mosquitto without loss. Scenario "1x5kHz" publishes one synthetic
 * meter at 5 kHz, "10x1kHz" ten at 1 kHz, each with QoS 0 and 1; a separate subscriber counts what arrives. Reports
 * loss and the CPU time of the bridge's threads (meter loops and its Paho client) and of the whole process
 * (bridge + subscriber). Writes {@code power-meter-bridge/target/bench/bridge-bench.json}.
 *
 * <p>Run: see the module README (argument: seconds per run, default 10).
 */
public final class BridgeBench {
  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<String> results = new ArrayList<>();
    try (Mosquitto broker = Mosquitto.start()) {
      run(broker, "warmup", 2, 2000, 0, 2); // JIT warm-up, not reported
      for (int qos : new int[] {0, 1}) {
        results.add(run(broker, "1x5kHz", 1, 5000, qos, seconds));
        results.add(run(broker, "10x1kHz", 10, 1000, qos, seconds));
      }
    }
    String json = "{\n  \"bench\": \"power-meter-bridge sustained rate through Mosquitto\",\n  \"host_cpus\": "
        + Runtime.getRuntime().availableProcessors() + ",\n  \"seconds_per_run\": " + seconds + ",\n  \"runs\": [\n    "
        + String.join(",\n    ", results) + "\n  ]\n}\n";
    Path out = Path.of(System.getProperty("bench.out", "power-meter-bridge/target/bench/bridge-bench.json"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json);
    System.out.println(json);
    System.out.println("written to " + out.toAbsolutePath());
  }

  private static String run(Mosquitto broker, String name, int meters, double rateHz, int qos, int seconds) throws Exception {
    String clientId = "bench-bridge-" + name + "-q" + qos;
    Map<String, AtomicLong> received = new HashMap<>();
    AtomicLong receivedTotal = new AtomicLong();
    AtomicLong decodeErrors = new AtomicLong();
    MqttClient sub = new MqttClient(broker.url(), "bench-subscriber-" + name + "-q" + qos, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    sub.connect(o);
    sub.subscribe(Topics.ALL_METER_POWER, qos, (topic, msg) -> {
      try {
        PowerSampleBatch b = WireCodec.decode(msg.getPayload(), PowerSampleBatch.class);
        synchronized (received) {
          received.computeIfAbsent(b.meterId(), k -> new AtomicLong()).addAndGet(b.samples().size());
        }
        receivedTotal.addAndGet(b.samples().size());
      } catch (Exception e) {
        decodeErrors.incrementAndGet();
      }
    });

    BridgeSettings settings = BridgeSettings.from(ConfigFactory.parseString("testbed.power-bridge { qos = " + qos + ", client-id = \"" + clientId
        + "\", broker = \"" + broker.url() + "\" }").withFallback(ConfigFactory.defaultReference()).resolve());
    TimeSource time = TimeSource.system();
    List<MeterAdapter> adapters = new ArrayList<>();
    for (int i = 0; i < meters; i++) adapters.add(new SyntheticMeter(String.format(Locale.ROOT, "synthetic-%02d", i), rateHz, time));

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long processCpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    PahoSamplePublisher publisher = PahoSamplePublisher.connect(settings.broker(), clientId, qos, settings.maxInflight(), settings.offlineBuffer(), 10);
    PowerBridge bridge = PowerBridge.start(settings, adapters, publisher, publisher, time);
    Thread.sleep(seconds * 1000L);
    long bridgeCpu = bridgeThreadsCpu(threads, clientId);
    long processCpu = os.getProcessCpuTime() - processCpu0;
    bridge.close(); // stops the meters, publishes what is pending, disconnects
    long wall = System.nanoTime() - wall0;
    List<MeterStatus> status = bridge.status();
    long published = status.stream().mapToLong(MeterStatus::samplesPublished).sum();
    long read = status.stream().mapToLong(MeterStatus::samplesRead).sum();
    long publishFailures = status.stream().mapToLong(MeterStatus::publishFailures).sum();
    long batches = status.stream().mapToLong(MeterStatus::batchesPublished).sum();
    // let the subscriber drain
    long last = -1;
    for (int i = 0; i < 50 && receivedTotal.get() != last; i++) {
      last = receivedTotal.get();
      Thread.sleep(200);
    }
    sub.disconnect();
    sub.close();
    long got = receivedTotal.get();
    double achievedRate = read / (seconds * 1.0) / meters;
    String line = String.format(Locale.ROOT,
        "{\"scenario\": \"%s\", \"qos\": %d, \"meters\": %d, \"nominal_rate_hz\": %.0f, \"achieved_rate_hz_per_meter\": %.1f, "
            + "\"samples_read\": %d, \"samples_published\": %d, \"samples_received\": %d, \"lost\": %d, \"loss_share\": %.6f, "
            + "\"batches\": %d, \"publish_failures\": %d, \"decode_errors\": %d, "
            + "\"bridge_threads_cpu_s\": %.3f, \"bridge_cpu_share_of_one_core\": %.4f, \"process_cpu_s\": %.3f, \"wall_s\": %.2f}",
        name, qos, meters, rateHz, achievedRate, read, published, got, read - got, read == 0 ? 0 : (double) (read - got) / read,
        batches, publishFailures, decodeErrors.get(), bridgeCpu / 1e9, bridgeCpu / (seconds * 1e9), processCpu / 1e9, wall / 1e9);
    System.out.println(line);
    return line;
  }

  /** CPU time of the meter loops and of the bridge's Paho threads (named after its client id); the subscriber is not counted. */
  private static long bridgeThreadsCpu(ThreadMXBean threads, String clientId) {
    long total = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t == null) continue;
      String n = t.getThreadName();
      if (n.startsWith("power-meter-") || n.contains(clientId)) {
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        if (cpu > 0) total += cpu;
      }
    }
    return total;
  }
}
