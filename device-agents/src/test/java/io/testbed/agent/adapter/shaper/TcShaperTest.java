package io.testbed.agent.adapter.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.RadioTechnology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tc shaper's command lines, its fallback to tbf where the kernel lacks netem, and (as root, with iproute2) the
 * real kernel taking the tbf rate on a veth pair in a network namespace made for the test.
 */
class TcShaperTest {
  private static final LinkConditions C = new LinkConditions(25, 5, 8, 1.5, -70.0, RadioTechnology.WIFI);

  @Test
  void buildsNetemAndTbfCommandLines() {
    assertThat(TcShaper.netemCommand(List.of("tc"), "eth0", C)).containsExactly(
        "tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", "25.000ms", "5.000ms", "distribution", "normal",
        "loss", "1.5000%", "rate", "8000kbit");
    assertThat(TcShaper.netemCommand(List.of("tc"), "eth0", new LinkConditions(10, 0, 100, 0, null, RadioTechnology.LTE)))
        .containsExactly("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", "10.000ms", "rate", "100000kbit");
    // burst = max(2 x 1514, 5 ms at 8 Mb/s = 5000 bytes)
    assertThat(TcShaper.tbfCommand(List.of("ip", "netns", "exec", "lab", "tc"), "veth0", C)).containsExactly(
        "ip", "netns", "exec", "lab", "tc", "qdisc", "replace", "dev", "veth0", "root", "tbf", "rate", "8000kbit", "burst", "5000",
        "latency", "100ms");
  }

  @Test
  void fallsBackToTbfWhenTheKernelHasNoNetemAndSaysWhatIsMissing() {
    List<List<String>> ran = new ArrayList<>();
    TcShaper tc = new TcShaper("eth0", List.of("tc"), argv -> {
      ran.add(argv);
      return argv.contains("netem") ? new TcShaper.Runner.Result(2, "Error: Specified qdisc kind is unknown.") : new TcShaper.Runner.Result(0, "");
    });
    assertThat(tc.applyNow(C)).isTrue();
    assertThat(tc.lastNote()).contains("no netem", "rate only");
    assertThat(tc.applyNow(C)).isTrue();
    // netem tried once, tbf used from then on
    assertThat(ran).extracting(a -> a.get(6)).containsExactly("netem", "tbf", "tbf");
    assertThat(tc.route("cloud-1", "http://10.0.0.2:8080", C)).isEqualTo("http://10.0.0.2:8080");
  }

  @Test
  void aFailingTcIsReportedNotThrown() {
    TcShaper tc = new TcShaper("eth0", List.of("tc"), argv -> new TcShaper.Runner.Result(2, "RTNETLINK answers: Operation not permitted"));
    assertThat(tc.applyNow(C)).isFalse();
    assertThat(tc.lastNote()).contains("Operation not permitted");
  }

  @Test
  void theKernelTakesTheTbfRateOnAVethPairInANamespace() throws Exception {
    assumeThat(Files.isExecutable(Path.of("/usr/sbin/tc")) && Files.isExecutable(Path.of("/usr/sbin/ip"))).as("iproute2 installed").isTrue();
    assumeThat(System.getProperty("user.name")).as("root").isEqualTo("root");
    String ns = "tbtest" + ProcessHandle.current().pid();
    TcShaper.Runner run = TcShaper.Runner.PROCESS;
    assertThat(run.run(List.of("ip", "netns", "add", ns)).ok()).isTrue();
    try {
      assertThat(run.run(List.of("ip", "-n", ns, "link", "add", "tbv0", "type", "veth", "peer", "name", "tbv1")).ok()).isTrue();
      TcShaper tc = new TcShaper("tbv0", List.of("ip", "netns", "exec", ns, "tc"), run);
      assertThat(tc.applyNow(C)).isTrue();
      String show = run.run(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "show", "dev", "tbv0")).output();
      if (tc.lastNote().isEmpty()) {
        assertThat(show).contains("netem", "delay 25");
      } else {
        assertThat(show).contains("tbf", "rate 8Mbit");
      }
      tc.close();
      assertThat(run.run(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "show", "dev", "tbv0")).output()).doesNotContain("tbf", "netem");
    } finally {
      run.run(List.of("ip", "netns", "del", ns));
    }
  }
}
