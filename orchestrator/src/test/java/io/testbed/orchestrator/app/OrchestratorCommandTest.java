package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.testbed.orchestrator.config.OrchestratorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OrchestratorCommandTest {

  @Test
  void optionsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("orch.conf");
    Files.writeString(conf, "testbed.orchestrator { http.port = 9000, influx.database = \"lab\" }");
    OrchestratorCommand cmd = new OrchestratorCommand();
    new CommandLine(cmd).parseArgs("--config", conf.toString(), "--http-host", "0.0.0.0", "--broker", "tcp://b:1883",
        "--influx", "http://i:8086", "--data-dir", dir.toString(), "--token", "t");
    OrchestratorSettings s = OrchestratorSettings.fromConfig(cmd.config());
    assertThat(s.http().port()).isEqualTo(9000);
    assertThat(s.http().host()).isEqualTo("0.0.0.0");
    assertThat(s.influx().database()).isEqualTo("lab");
    assertThat(s.mqtt().url()).isEqualTo("tcp://b:1883");
    assertThat(s.embeddedBroker().enabled()).isFalse();
    assertThat(s.influx().url()).contains("http://i:8086");
    assertThat(s.dataDir()).isEqualTo(dir);
    assertThat(s.apiToken()).contains("t");
  }

  @Test
  void embeddedBrokerPortAndHttpPort() {
    OrchestratorCommand cmd = new OrchestratorCommand();
    new CommandLine(cmd).parseArgs("--http-port", "0", "--embedded-broker-port", "0");
    Config c = cmd.config();
    OrchestratorSettings s = OrchestratorSettings.fromConfig(c);
    assertThat(s.http().port()).isZero();
    assertThat(s.embeddedBroker().enabled()).isTrue();
    assertThat(s.embeddedBroker().port()).isZero();
  }

  @Test
  void badSettingsExitWith2AndAClearMessage() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured));
    try {
      int code = new CommandLine(new OrchestratorCommand()).execute("--http-port", "99999");
      assertThat(code).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString()).contains("http.port must be in 0..65535, was 99999");
  }
}
