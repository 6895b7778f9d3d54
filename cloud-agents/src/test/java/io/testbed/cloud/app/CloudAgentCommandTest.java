package io.testbed.cloud.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.config.RecSettings;
import java.util.List;
import io.testbed.protocol.DeviceKind;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CloudAgentCommandTest {
  @Test
  void cloudSettingsDefaultsComeFromReferenceConf() {
    CloudSettings s = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    assertThat(s.httpHost()).isEqualTo("127.0.0.1");
    assertThat(s.httpPort()).isZero();
    assertThat(s.workers()).isEqualTo(2);
    assertThat(s.queueCapacity()).isEqualTo(16);
    assertThat(s.defaultProfile()).isEqualTo("cloud");
    assertThat(s.maxBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.withHost("0.0.0.0").endpointHost()).isNotEqualTo("0.0.0.0").isNotBlank();
  }

  @Test
  void optionsParseLikeTheDeviceAgentsPlusHttp() {
    CloudAgentCommand cmd = new CloudAgentCommand();
    new CommandLine(cmd).parseArgs("--id", "edge-9", "--profile", "edge-box", "--http-port", "8080", "--http-host", "0.0.0.0",
        "--workers", "4", "--queue-capacity", "0", "--broker", "tcp://10.0.0.1:1883");
    assertThat(cmd.httpPort).isEqualTo(8080);
    assertThat(cmd.httpHost).isEqualTo("0.0.0.0");
    assertThat(cmd.workers).isEqualTo(4);
    assertThat(cmd.queueCapacity).isZero();
    var agent = cmd.options.agentSettings();
    assertThat(agent.deviceId()).isEqualTo("edge-9");
    assertThat(agent.profile().kind()).isEqualTo(DeviceKind.EDGE);
    assertThat(agent.mqtt().brokerUrl()).isEqualTo("tcp://10.0.0.1:1883");
  }

  @Test
  void recSettingsDefaultsComeFromReferenceConfAndOptionsOverrideThem() {
    RecSettings d = RecSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    assertThat(d.models()).containsExactly("dlrm-rmc1", "dlrm-rmc2", "dlrm-rmc3");
    assertThat(d.scale()).isZero();
    assertThat(d.workers()).isEqualTo(2);
    assertThat(d.intraOpThreads()).isEqualTo(1);
    assertThat(d.instances()).isEqualTo(1);
    assertThat(d.queueCapacity()).isEqualTo(64);
    assertThat(d.maxItems()).isEqualTo(1024);
    assertThat(d.batchSize()).isEqualTo(64);
    assertThat(d.acceleratorThreshold()).isEqualTo(1025);
    assertThat(d.accelerator().mode()).isEqualTo(RecSettings.AcceleratorMode.AUTO);
    assertThat(d.accelerator().serviceTimeMs()).containsKeys("dlrm-rmc1", "dlrm-rmc2", "dlrm-rmc3", "default");

    CloudAgentCommand cmd = new CloudAgentCommand();
    new CommandLine(cmd).parseArgs("--rec-models", "wnd,ncf", "--rec-scale", "0.001", "--rec-workers", "3", "--rec-instances", "2",
        "--rec-queue-capacity", "9", "--rec-batch-size", "16", "--rec-accelerator-threshold", "256");
    RecSettings r = cmd.recSettings(cmd.options.config());
    assertThat(r.models()).containsExactly("wnd", "ncf");
    assertThat(r.scale()).isEqualTo(0.001);
    assertThat(List.of(r.workers(), r.instances(), r.queueCapacity(), r.batchSize(), r.acceleratorThreshold())).containsExactly(3, 2, 9, 16, 256);

    CloudAgentCommand off = new CloudAgentCommand();
    new CommandLine(off).parseArgs("--rec-models", "none");
    assertThat(off.recSettings(off.options.config()).enabled()).isFalse();
  }

  @Test
  void badRecSettingsExitWithCode2() {
    assertThat(new CommandLine(new CloudAgentCommand()).execute("--rec-models", "dlrm-rmc9")).isEqualTo(2);
    assertThat(new CommandLine(new CloudAgentCommand()).execute("--rec-batch-size", "0")).isEqualTo(2);
    assertThatThrownBy(() -> RecSettings.fromConfig(com.typesafe.config.ConfigFactory.parseString("testbed.cloud.rec.accelerator.mode = tpu")
        .withFallback(com.typesafe.config.ConfigFactory.load()))).hasMessageContaining("mode must be auto, modelled or real");
  }

  @Test
  void withoutProfileTheCloudAgentIsACloud() {
    CloudAgentCommand cmd = new CloudAgentCommand();
    new CommandLine(cmd).parseArgs("--id", "c-1");
    cmd.options.defaultProfile(CloudSettings.fromConfig(cmd.options.config()).defaultProfile());
    assertThat(cmd.options.agentSettings().profile().kind()).isEqualTo(DeviceKind.CLOUD);
  }

  @Test
  void badSettingsExitWithCode2() {
    int code = new CommandLine(new CloudAgentCommand()).execute("--profile", "toaster");
    assertThat(code).isEqualTo(2);
  }
}
