package io.testbed.power.adapter.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.testbed.power.app.MeterRunner;
import io.testbed.power.app.MeterStatus;
import io.testbed.power.pipeline.Backoff;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.power.testing.RecordingPublisher;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tasmota and Shelly plugs through a real Mosquitto: a Paho client plays the plug. */
@ExtendWith(RealServers.class)
class SmartPlugMeterIT {
  private final TimeSource time = TimeSource.system();

  private static MqttClient plug(Mosquitto broker, String id) throws Exception {
    MqttClient c = new MqttClient(broker.url(), id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    c.connect(o);
    return c;
  }

  private static void send(MqttClient c, String topic, String payload) throws Exception {
    c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
  }

  private static List<PowerSample> pollUntil(SmartPlugMeter m, int n) {
    List<PowerSample> got = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      got.addAll(m.poll());
      return got.size() >= n;
    });
    return got;
  }

  @Test
  void tasmotaSensorTelemetry(Mosquitto broker) throws Exception {
    MeterInfo info = new MeterInfo("plug-edge", "edge-box-1", PowerSource.METERED, 0.1, 1);
    SmartPlugMeter m = new SmartPlugMeter(info, SmartPlugMeter.Kind.TASMOTA, new MqttConnection(broker.url(), "", "", ""),
        "tele/tasmota_ABC123/SENSOR", 0, Duration.ofMillis(50), time);
    m.start();
    MqttClient plug = plug(broker, "tasmota-sim");
    try {
      long before = time.epochNanos();
      send(plug, "tele/tasmota_ABC123/SENSOR", """
          {"Time":"2026-11-30T08:30:00","ENERGY":{"TotalStartTime":"2026-01-01T00:00:00","Total":12.345,"Yesterday":0.5,"Today":0.2,
           "Period":1,"Power":23,"ApparentPower":25,"ReactivePower":9,"Factor":0.92,"Voltage":231,"Current":0.108}}""");
      send(plug, "tele/tasmota_ABC123/SENSOR", "{\"Time\":\"2026-11-30T08:30:10\",\"ENERGY\":{\"Power\":[40,7],\"Voltage\":230,\"Current\":[0.2,0.05]}}");
      send(plug, "tele/other_plug/SENSOR", "{\"ENERGY\":{\"Power\":999}}"); // not ours
      List<PowerSample> s = pollUntil(m, 2);
      assertThat(s).hasSize(2);
      assertThat(s.get(0).powerW()).isEqualTo(23.0);
      assertThat(s.get(0).voltageV()).isEqualTo(231.0);
      assertThat(s.get(0).currentA()).isCloseTo(0.108, within(1e-12));
      assertThat(s.get(0).timestampNs()).isGreaterThanOrEqualTo(before); // stamped on arrival
      assertThat(s.get(1).powerW()).isEqualTo(40.0); // channel 0 of a two-channel plug
      assertThat(s.get(1).currentA()).isCloseTo(0.2, within(1e-12));
      // garbage stops the samples
      send(plug, "tele/tasmota_ABC123/SENSOR", "{\"Time\":\"2026-11-30T08:30:20\",\"ENERGY\":{\"Power\":\"n/a\"}}");
      send(plug, "tele/tasmota_ABC123/SENSOR", "{\"ENERGY\":{\"Power\":50}}");
      AtomicReference<Exception> failure = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try {
          assertThat(m.poll()).isEmpty();
          return false;
        } catch (MeterException e) {
          failure.set(e);
          return true;
        }
      });
      assertThat(failure.get()).hasMessageContaining("ENERGY.Power is not a number");
    } finally {
      plug.disconnect();
      plug.close();
      m.close();
    }
  }

  @Test
  void shellyRelayPowerThroughTheBridgeLoopRecoversAfterGarbage(Mosquitto broker) throws Exception {
    MeterInfo info = new MeterInfo("plug-router", "router-1", PowerSource.METERED, 1, 0.01);
    SmartPlugMeter m = new SmartPlugMeter(info, SmartPlugMeter.Kind.SHELLY, new MqttConnection(broker.url(), "", "", ""),
        "shellies/shellyplug-s-XYZ/relay/0/power", 0, Duration.ofMillis(20), time);
    RecordingPublisher pub = new RecordingPublisher();
    MeterRunner runner = new MeterRunner(m, pub, Duration.ofMillis(20), 100, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 2, 0),
        new SplittableRandom(1), time).startThread();
    MqttClient plug = plug(broker, "shelly-sim");
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.status().state() == MeterStatus.State.RUNNING);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        send(plug, "shellies/shellyplug-s-XYZ/relay/0/power", "12.34");
        return !pub.samples("plug-router").isEmpty();
      });
      assertThat(pub.samples("plug-router").get(0).powerW()).isEqualTo(12.34);
      send(plug, "shellies/shellyplug-s-XYZ/relay/0/power", "on");
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.status().failures() == 1);
      assertThat(pub.events).singleElement().satisfies(e -> assertThat(e.message()).contains("'on' is not a number of watts"));
      // resubscribed after the backoff: readings flow again
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.status().restarts() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        send(plug, "shellies/shellyplug-s-XYZ/relay/0/power", "7.5");
        return pub.samples("plug-router").stream().anyMatch(s -> s.powerW() == 7.5);
      });
    } finally {
      plug.disconnect();
      plug.close();
      runner.stop(Duration.ofSeconds(5));
    }
  }
}
