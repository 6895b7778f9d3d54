package io.testbed.power.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.testbed.power.adapter.mqtt.PahoSamplePublisher;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bridge from HOCON to the wire: a fixture hwmon meter, a real Mosquitto, and a separate Paho client decoding with WireCodec. */
@ExtendWith(RealServers.class)
class PowerBridgeIT {
  @TempDir Path dir;

  @Test
  void fixtureHwmonMeterPublishesBatchesAnotherClientDecodes(Mosquitto broker) throws Exception {
    Path hwmon = dir.resolve("hwmon1");
    Files.createDirectories(hwmon);
    Files.writeString(hwmon.resolve("power1_input"), "4200000\n");
    Files.writeString(hwmon.resolve("curr1_input"), "840\n");
    Files.writeString(hwmon.resolve("in1_input"), "5000\n");
    String hocon = """
        testbed.power-bridge {
          broker = "%s"
          client-id = "power-bridge-it"
          qos = 1
          batch-interval = 50ms
          backoff.initial = 50ms
          meters = [
            { id = "jetson-ina", type = hwmon, device = "jetson-1", rate-hz = 200, path = "%s", channel = 1 }
            { id = "broken-psu", type = scpi, device = "node-1", host = "127.0.0.1", port = 1, timeout = 200ms }
          ]
        }
        """.formatted(broker.url(), hwmon.toString().replace("\\", "/"));

    List<PowerSampleBatch> batches = new CopyOnWriteArrayList<>();
    List<ErrorReply> events = new CopyOnWriteArrayList<>();
    MqttClient sub = new MqttClient(broker.url(), "orchestrator-sim", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    sub.connect(o);
    sub.subscribe(Topics.ALL_METER_POWER, 1, (topic, msg) -> {
      PowerSampleBatch b = WireCodec.decode(msg.getPayload(), PowerSampleBatch.class);
      assertThat(Topics.parseMeter(topic)).contains(b.meterId());
      batches.add(b);
    });
    sub.subscribe(PahoSamplePublisher.eventsTopic("broken-psu"), 1, (topic, msg) -> events.add(WireCodec.decode(msg.getPayload(), ErrorReply.class)));

    List<io.testbed.protocol.ClockEcho> echoes = new CopyOnWriteArrayList<>();
    sub.subscribe(Topics.ALL_METER_REPLIES, 1, (topic, msg) -> echoes.add(WireCodec.decode(msg.getPayload(), io.testbed.protocol.ClockEcho.class)));

    try (PowerBridge bridge = PowerBridge.start(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve())) {
      await().atMost(Duration.ofSeconds(15)).until(() -> batches.stream().mapToInt(b -> b.samples().size()).sum() >= 100);
      // clock sync: a probe for one of the bridge's meters is echoed on that meter's replies topic
      long t0 = System.currentTimeMillis() * 1_000_000L;
      sub.publish(Topics.meterCommands("jetson-ina"), WireCodec.encode(new io.testbed.protocol.ClockProbe(1, "jetson-ina", t0, "p-1")), 1, false);
      await().atMost(Duration.ofSeconds(10)).until(() -> !echoes.isEmpty());
      assertThat(echoes.get(0).probeId()).isEqualTo("p-1");
      assertThat(echoes.get(0).t0()).isEqualTo(t0);
      assertThat(echoes.get(0).t2()).isGreaterThanOrEqualTo(echoes.get(0).t1());
      // bridge and test share the host clock: the echo was received within 10 s of t0
      assertThat(echoes.get(0).t1() - t0).isBetween(-1_000_000_000L, 10_000_000_000L);
      // change the reading: the stream follows
      Files.writeString(hwmon.resolve("power1_input"), "6300000\n");
      await().atMost(Duration.ofSeconds(15)).until(() -> batches.stream().flatMap(b -> b.samples().stream()).anyMatch(s -> s.powerW() == 6.3));
      await().atMost(Duration.ofSeconds(15)).until(() -> !events.isEmpty());
      MeterStatus ina = bridge.status("jetson-ina").orElseThrow();
      assertThat(ina.failures()).isZero();
      assertThat(ina.state()).isEqualTo(MeterStatus.State.RUNNING);
      MeterStatus psu = bridge.status("broken-psu").orElseThrow();
      assertThat(psu.failures()).isPositive();
      assertThat(psu.state()).isEqualTo(MeterStatus.State.BACKOFF);
    } finally {
      sub.disconnect();
      sub.close();
    }
    PowerSampleBatch first = batches.get(0);
    assertThat(first.meterId()).isEqualTo("jetson-ina");
    assertThat(first.deviceId()).isEqualTo("jetson-1");
    assertThat(first.source()).isEqualTo(PowerSource.METERED);
    assertThat(first.sampleRateHz()).isEqualTo(200);
    PowerSample s = first.samples().get(0);
    assertThat(s.powerW()).isCloseTo(4.2, within(1e-12));
    assertThat(s.currentA()).isCloseTo(0.84, within(1e-12));
    assertThat(s.voltageV()).isCloseTo(5.0, within(1e-12));
    List<Long> ts = batches.stream().flatMap(b -> b.samples().stream()).map(PowerSample::timestampNs).toList();
    for (int i = 1; i < ts.size(); i++) assertThat(ts.get(i)).isGreaterThan(ts.get(i - 1));
    assertThat(events.get(0).code()).isEqualTo("meter-failed");
    assertThat(events.get(0).deviceId()).isEqualTo("node-1");
    assertThat(events.get(0).message()).contains("broken-psu").contains("127.0.0.1:1");
  }
}
