package io.testbed.orchestrator.adapter.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.orchestrator.port.TelemetryPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineProtocolFileSinkTest {

  @Test
  void writesEscapedPointsWithTheImportHeader(@TempDir Path dir) throws Exception {
    LineProtocolFileSink sink = LineProtocolFileSink.open(dir.resolve("runs"), "testbed",
        Instant.parse("2026-11-30T08:00:00Z"), Duration.ofMillis(100));
    assertThat(sink.file()).isEqualTo(dir.resolve("runs/timeseries-20261130T080000Z.lp").toAbsolutePath());
    assertThat(sink.info().kind()).isEqualTo("line-protocol-files");
    sink.write(TelemetryPoint.builder("power", 1_780_000_000_123_456_789L)
        .tag("device", "phone 1,a=b").tag("source", "metered").tag("empty", "")
        .field("powerW", 2.5).field("voltageV", (Double) null).field("samples", 3L).build());
    sink.flush();
    List<String> lines = Files.readAllLines(sink.file());
    assertThat(lines).containsExactly(
        "# DML",
        "# CONTEXT-DATABASE: testbed",
        "power,device=phone\\ 1\\,a\\=b,source=metered powerW=2.5,samples=3i 1780000000123456789");
    sink.write(TelemetryPoint.builder("device_state", 5).tag("device", "d").field("online", 1L).build());
    sink.close();
    assertThat(Files.readAllLines(sink.file())).last().isEqualTo("device_state,device=d online=1i 5");
  }

  @Test
  void recentWindowKeepsTheNewestPoints() {
    RecentWindowSink w = RecentWindowSink.memoryOnly(2);
    for (int i = 0; i < 3; i++) w.write(TelemetryPoint.builder(i == 2 ? "b" : "a", i).field("x", (long) i).build());
    assertThat(w.recent()).extracting(TelemetryPoint::timestampNs).containsExactly(1L, 2L);
    assertThat(w.recent("b")).hasSize(1);
  }
}
