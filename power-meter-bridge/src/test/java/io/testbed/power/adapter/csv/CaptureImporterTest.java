package io.testbed.power.adapter.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.power.adapter.csv.CaptureImporter.Columns;
import io.testbed.power.app.MeterRunner;
import io.testbed.power.app.MeterStatus;
import io.testbed.power.config.BridgeSettings;
import io.testbed.power.pipeline.Backoff;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.power.testing.ManualTime;
import io.testbed.power.testing.RecordingPublisher;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureImporterTest {
  private static final long START = Instant.parse("2026-11-30T08:00:00Z").getEpochSecond() * 1_000_000_000L;
  @TempDir Path dir;
  private final ManualTime time = new ManualTime();
  private final MeterInfo info = new MeterInfo("monsoon-1", "phone-1", PowerSource.METERED, 5000, 0.0001);

  private static final Columns MONSOON = new Columns("Time(ms)", "ms", "Main(mA)", "mA", "Main Voltage(V)", "V", "", "W");

  private static List<PowerSample> drain(CaptureImporter c) throws MeterException {
    List<PowerSample> all = new ArrayList<>();
    while (!c.exhausted()) all.addAll(c.poll());
    return all;
  }

  @Test
  void monsoonCaptureBecomesSamplesAtTheStartInstant() throws Exception {
    Path csv = dir.resolve("monsoon.csv");
    Files.writeString(csv, "Time(ms),Main(mA),Main Voltage(V)\n0.0,100.0,4.0\n0.2,250.0,4.0\n0.4,200.0,3.9\n");
    CaptureImporter c = new CaptureImporter(info, csv, MONSOON, ",", START, 2, time);
    c.start();
    List<PowerSample> first = c.poll();
    assertThat(first).hasSize(2); // chunked
    List<PowerSample> all = new ArrayList<>(first);
    all.addAll(drain(c));
    assertThat(all).extracting(PowerSample::timestampNs).containsExactly(START, START + 200_000, START + 400_000);
    assertThat(all.get(1).powerW()).isCloseTo(1.0, within(1e-12)); // 250 mA x 4 V
    assertThat(all.get(2).currentA()).isCloseTo(0.2, within(1e-12));
    assertThat(all.get(2).voltageV()).isCloseTo(3.9, within(1e-12));
    assertThat(c.exhausted()).isTrue();
  }

  @Test
  void joulescopeCaptureWithItsOwnPowerColumnViaConfigPreset() throws Exception {
    Path csv = dir.resolve("js.csv");
    Files.writeString(csv, "#time,current,voltage,power\n0.000000,0.5,5.0,2.5\n0.001000,0.6,5.0,3.0\nnot,a,row,here\n0.002000,0.4,5.0,2.0\n");
    Config c = ConfigFactory.parseString("""
        testbed.power-bridge.meters = [ { id = js, type = csv-import, device = "edge-box-1", rate-hz = 1000, format = joulescope,
          file = "%s", start = "2026-11-30T08:00:00Z" } ]
        """.formatted(csv.toString().replace("\\", "/"))).withFallback(ConfigFactory.defaultReference()).resolve();
    Config m = BridgeSettings.from(c).meters().get(0);
    CaptureImporter importer = CaptureImporter.create(new MeterInfo("js", "edge-box-1", PowerSource.METERED, 1000, 0), m, time);
    importer.start();
    List<PowerSample> s = drain(importer);
    assertThat(s).extracting(PowerSample::powerW).containsExactly(2.5, 3.0, 2.0);
    assertThat(s).extracting(PowerSample::timestampNs).containsExactly(START, START + 1_000_000, START + 2_000_000);
    assertThat(importer.malformedRows()).isEqualTo(1);
  }

  @Test
  void customColumnMappingByIndexAndUnits() throws Exception {
    Path csv = dir.resolve("custom.csv");
    Files.writeString(csv, "t_us;P_mW\n0;1500\n500;1750\n");
    CaptureImporter c = new CaptureImporter(info, csv, new Columns("0", "us", "", "A", "", "V", "P_mW", "mW"), ";", START, 100, time);
    c.start();
    List<PowerSample> s = drain(c);
    assertThat(s).extracting(PowerSample::powerW).containsExactly(1.5, 1.75);
    assertThat(s.get(1).timestampNs()).isEqualTo(START + 500_000);
    assertThatThrownBy(() -> new CaptureImporter(info, csv, new Columns("0", "fortnights", "", "A", "", "V", "1", "W"), ";", START, 100, time))
        .hasMessageContaining("time-unit");
    CaptureImporter wrong = new CaptureImporter(info, csv, new Columns("time", "s", "", "A", "", "V", "P_mW", "mW"), ";", START, 100, time);
    assertThatThrownBy(wrong::start).isInstanceOf(MeterException.class).hasMessageContaining("no column 'time'");
  }

  @Test
  void duplicatedAndBackwardsMonsoonTimestampsAreDroppedAndCountedByTheBridge() throws Exception {
    Path csv = dir.resolve("monsoon-dups.csv");
    StringBuilder rows = new StringBuilder("Time(ms),Main(mA),Main Voltage(V)\n");
    // 1000 rows at 0.2 ms, with row 100 repeated twice and one row that jumps back 1 ms
    for (int i = 0; i < 1000; i++) {
      String row = String.format(java.util.Locale.ROOT, "%.1f,100.0,4.0%n", i * 0.2);
      rows.append(row);
      if (i == 100) rows.append(row).append(row);
      if (i == 500) rows.append(String.format(java.util.Locale.ROOT, "%.1f,100.0,4.0%n", i * 0.2 - 1.0));
    }
    Files.writeString(csv, rows);
    RecordingPublisher pub = new RecordingPublisher();
    MeterRunner runner = new MeterRunner(new CaptureImporter(info, csv, MONSOON, ",", START, 300, TimeSource.system()), pub,
        Duration.ofMillis(50), 400, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1, 0), new SplittableRandom(1), TimeSource.system())
        .startThread();
    assertThat(runner.awaitEnd(20, TimeUnit.SECONDS)).isTrue();
    MeterStatus st = runner.status();
    assertThat(st.state()).isEqualTo(MeterStatus.State.FINISHED);
    assertThat(st.samplesRead()).isEqualTo(1003);
    assertThat(st.duplicatesDropped()).isEqualTo(2);
    assertThat(st.nonMonotonicDropped()).isEqualTo(1);
    assertThat(st.samplesPublished()).isEqualTo(1000);
    List<PowerSample> published = pub.samples("monsoon-1");
    assertThat(published).hasSize(1000);
    for (int i = 1; i < published.size(); i++) assertThat(published.get(i).timestampNs()).isGreaterThan(published.get(i - 1).timestampNs());
    assertThat(pub.batches).allSatisfy(b -> assertThat(b.samples()).hasSizeLessThanOrEqualTo(400));
  }
}
