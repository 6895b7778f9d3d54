package io.testbed.power.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.power.adapter.model.ModelledMeter;
import io.testbed.power.app.PowerBridgeCommand;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.PowerSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The all-in-one fleet's bridge config, read exactly as {@code power-bridge --config ... --broker ...} reads it. */
class AllInOneConfigTest {
  @Test
  void definesOneModelledMeterBoundToPhone1At1kHz() {
    PowerBridgeCommand cmd = new PowerBridgeCommand();
    new CommandLine(cmd).parseArgs("--config", "src/main/resources/io/testbed/power/allinone-bridge.conf", "--broker", "tcp://127.0.0.1:1883");
    BridgeSettings s = BridgeSettings.from(cmd.effectiveConfig());
    assertThat(s.broker().url()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(s.meters()).hasSize(1);
    MeterAdapter m = MeterFactory.create(s.meters().get(0), s.broker(), new ManualTime());
    assertThat(m).isInstanceOf(ModelledMeter.class);
    assertThat(List.of(m.meterId(), m.deviceId())).containsExactly("phone-1-model", "phone-1");
    assertThat(m.info().source()).isEqualTo(PowerSource.MODELLED);
    assertThat(m.nominalRateHz()).isEqualTo(1000.0);
  }
}
