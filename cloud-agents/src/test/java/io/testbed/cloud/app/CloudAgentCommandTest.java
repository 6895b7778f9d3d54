package io.testbed.cloud.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.cloud.config.CloudSettings;
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
