package io.testbed.power.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.testbed.power.adapter.csv.CaptureImporter;
import io.testbed.power.adapter.model.ModelledMeter;
import io.testbed.power.adapter.mqtt.MqttConnection;
import io.testbed.power.adapter.mqtt.SmartPlugMeter;
import io.testbed.power.adapter.process.NvidiaSmiMeter;
import io.testbed.power.adapter.scpi.ScpiMeter;
import io.testbed.power.adapter.sysfs.AndroidBatteryMeter;
import io.testbed.power.adapter.sysfs.HwmonMeter;
import io.testbed.power.adapter.sysfs.RaplMeter;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSource;
import java.util.List;

/** Builds the adapter a meter's config (merged with its type's defaults) names in {@code type}. */
public final class MeterFactory {
  /** The meter types the bridge knows. */
  public static final List<String> TYPES =
      List.of("hwmon", "rapl", "android-battery", "nvidia-smi", "scpi", "tasmota", "shelly", "csv-import", "modelled");

  private MeterFactory() {}

  /** @param bridgeBroker the bridge's own broker, used by smart plugs that name none */
  public static MeterAdapter create(Config m, MqttConnection bridgeBroker, TimeSource time) {
    String type = m.getString("type");
    String id = m.getString("id");
    try {
      PowerSource source = type.equals("modelled") ? PowerSource.MODELLED : PowerSource.METERED;
      MeterInfo info = new MeterInfo(id, m.getString("device"), source, m.getDouble("rate-hz"), m.getDouble("resolution-w"));
      return switch (type) {
        case "hwmon" -> HwmonMeter.create(info, m, time);
        case "rapl" -> RaplMeter.create(info, m, time);
        case "android-battery" -> AndroidBatteryMeter.create(info, m, time);
        case "nvidia-smi" -> NvidiaSmiMeter.create(info, m, time);
        case "scpi" -> ScpiMeter.create(info, m, time);
        case "tasmota" -> SmartPlugMeter.create(info, SmartPlugMeter.Kind.TASMOTA, m, bridgeBroker, time);
        case "shelly" -> SmartPlugMeter.create(info, SmartPlugMeter.Kind.SHELLY, m, bridgeBroker, time);
        case "csv-import" -> CaptureImporter.create(info, m, time);
        case "modelled" -> ModelledMeter.create(info, m, time);
        default -> throw new IllegalArgumentException("unknown meter type '" + type + "' (one of " + TYPES + ")");
      };
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("meter " + id + " (" + type + "): " + e.getMessage(), e);
    }
  }
}
