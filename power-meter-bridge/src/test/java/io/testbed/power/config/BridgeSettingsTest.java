package io.testbed.power.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.power.adapter.csv.CaptureImporter;
import io.testbed.power.adapter.model.ModelledMeter;
import io.testbed.power.adapter.mqtt.MqttConnection;
import io.testbed.power.adapter.mqtt.SmartPlugMeter;
import io.testbed.power.adapter.process.NvidiaSmiMeter;
import io.testbed.power.adapter.scpi.ScpiMeter;
import io.testbed.power.adapter.sysfs.AndroidBatteryMeter;
import io.testbed.power.adapter.sysfs.HwmonMeter;
import io.testbed.power.adapter.sysfs.RaplMeter;
import io.testbed.power.app.PowerBridgeCommand;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.PowerSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BridgeSettingsTest {
  private static Config conf(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static final String EVERY_TYPE = """
      testbed.power-bridge.meters = [
        { id = ina, type = hwmon, device = jetson-1, path = "/sys/class/hwmon/hwmon1" }
        { id = rapl, type = rapl, device = edge-1 }
        { id = gauge, type = android-battery, device = phone-1, sign-convention = negative-discharge }
        { id = gpu0, type = nvidia-smi, device = cloud-1 }
        { id = psu, type = scpi, device = node-1, host = "10.0.0.5" }
        { id = plug1, type = tasmota, device = edge-1, name = "tasmota_1" }
        { id = plug2, type = shelly, device = router-1, name = "shellyplug-2" }
        { id = cap, type = csv-import, device = phone-1, file = "run.csv" }
        { id = model, type = modelled, device = phone-1, idle-w = 0.5, busy-w = 2.5 }
      ]
      """;

  @Test
  void referenceDefaultsAreValidAndEveryTypeBuildsItsAdapter() {
    BridgeSettings s = BridgeSettings.from(conf(EVERY_TYPE));
    assertThat(s.broker().url()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(s.qos()).isZero();
    assertThat(s.batchInterval()).isEqualTo(Duration.ofMillis(100));
    List<MeterAdapter> meters = s.meters().stream().map(m -> MeterFactory.create(m, s.broker(), new ManualTime())).toList();
    assertThat(meters).extracting(m -> (Object) m.getClass()).containsExactly(HwmonMeter.class, RaplMeter.class, AndroidBatteryMeter.class,
        NvidiaSmiMeter.class, ScpiMeter.class, SmartPlugMeter.class, SmartPlugMeter.class, CaptureImporter.class, ModelledMeter.class);
    assertThat(meters.get(0).nominalRateHz()).isEqualTo(100); // hwmon default
    assertThat(meters.get(1).resolutionW()).isEqualTo(0.0001); // rapl default
    assertThat(meters.get(2).resolutionW()).isEqualTo(0.001); // common default
    assertThat(meters.get(8).info().source()).isEqualTo(PowerSource.MODELLED);
    assertThat(meters.subList(0, 8)).allSatisfy(m -> assertThat(m.info().source()).isEqualTo(PowerSource.METERED));
  }

  @Test
  void mistakesNameTheField() {
    assertThatThrownBy(() -> BridgeSettings.from(conf("testbed.power-bridge.meters = [ { id = a, type = toaster, device = d } ]")))
        .hasMessageContaining("meters[0].type: unknown 'toaster'");
    assertThatThrownBy(() -> BridgeSettings.from(conf("testbed.power-bridge.meters = [ { id = a, type = rapl } ]")))
        .hasMessageContaining("meters[0].device is required");
    assertThatThrownBy(() -> BridgeSettings.from(conf("testbed.power-bridge.meters = [ { id = a, type = rapl, device = d }, { id = a, type = rapl, device = e } ]")))
        .hasMessageContaining("meters[1].id: duplicate");
    assertThatThrownBy(() -> BridgeSettings.from(conf("testbed.power-bridge.qos = 2"))).hasMessageContaining("qos must be 0 or 1");
    BridgeSettings s = BridgeSettings.from(conf("testbed.power-bridge.meters = [ { id = a, type = hwmon, device = d } ]"));
    assertThatThrownBy(() -> MeterFactory.create(s.meters().get(0), s.broker(), new ManualTime()))
        .hasMessageContaining("meter a (hwmon)").hasMessageContaining("path is required");
    BridgeSettings bad = BridgeSettings.from(conf("testbed.power-bridge.meters = [ { id = \"a b\", type = rapl, device = d } ]"));
    assertThatThrownBy(() -> MeterFactory.create(bad.meters().get(0), bad.broker(), new ManualTime())).hasMessageContaining("'a b'");
  }

  @Test
  void plugsUseTheBridgeBrokerUnlessTheyNameTheirOwn() {
    BridgeSettings s = BridgeSettings.from(conf("""
        testbed.power-bridge.broker = "tcp://lab:1883"
        testbed.power-bridge.meters = [ { id = p1, type = tasmota, device = d, name = t1 }, { id = p2, type = shelly, device = d, name = s2, broker = "tcp://plugs:1883" } ]
        """));
    MqttConnection bridge = s.broker();
    assertThat(bridge.url()).isEqualTo("tcp://lab:1883");
    assertThat(s.meters().get(0).getString("topic")).isEqualTo("tele/{name}/SENSOR");
    assertThat(MeterFactory.create(s.meters().get(1), bridge, new ManualTime()).meterId()).isEqualTo("p2");
  }

  @Test
  void commandLineOptionsOverrideTheConfigFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("bridge.conf");
    java.nio.file.Files.writeString(file, "testbed.power-bridge { broker = \"tcp://from-file:1883\", qos = 1, meters = [ { id = r, type = rapl, device = d } ] }");
    PowerBridgeCommand cmd = new PowerBridgeCommand();
    new CommandLine(cmd).parseArgs("--config", file.toString(), "--broker", "tcp://from-cli:1883", "--username", "bridge");
    BridgeSettings s = BridgeSettings.from(cmd.effectiveConfig());
    assertThat(s.broker().url()).isEqualTo("tcp://from-cli:1883");
    assertThat(s.broker().username()).isEqualTo("bridge");
    assertThat(s.qos()).isEqualTo(1);
    assertThat(s.meters()).hasSize(1);
  }
}
