package io.testbed.orchestrator.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.thermal.ModeChange;
import io.testbed.experiments.thermal.ThermalFrame;
import io.testbed.experiments.thermal.ThermalReport;
import io.testbed.experiments.thermal.ThermalSpec;
import io.testbed.orchestrator.port.SensorNodePort;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The thermal runner against an in-memory sensor node (a two-stage RC junction driven by the mode's power on a
 * virtual clock that advances one frame per frame): mode changes, captures, thermal points and events.
 */
class ThermalRunnerTest {
  private static final double FPS = 30;

  /** A fake node: RC physics (R 7.5/20 K/W, tau 5 ms/5 s), PSNR falling with temperature, time advancing per frame. */
  static final class FakeNode implements SensorNodePort {
    long monoNs;
    double ambient = 25, fast, slow;
    String mode = "nsp";
    final List<String> modes = new ArrayList<>();
    boolean refuseFar;

    double power() { return switch (mode) { case "nsp" -> 2.0; case "far" -> 1.203; default -> 0.305; }; }

    double junction() { return ambient + fast + slow; }

    void advance(long dtNs) {
      double p = power();
      fast = p * 7.5 + (fast - p * 7.5) * Math.exp(-dtNs / 5e6);
      slow = p * 20 + (slow - p * 20) * Math.exp(-dtNs / 5e9);
      monoNs += dtNs;
    }

    @Override
    public Ack setMode(String m, String farId, String farUrl, Duration timeout) {
      if (m.equals("far") && refuseFar) return new Ack(false, "refused", Map.of());
      mode = m;
      modes.add(m);
      return new Ack(true, null, Map.of("mode", m));
    }

    @Override
    public Ack setEnvironment(double ambientC, double lighting, Duration timeout) {
      slow += ambient - ambientC;
      ambient = ambientC;
      return new Ack(true, null, Map.of("ambientC", ambientC));
    }

    @Override
    public InferenceResult frame(long index, String model, Duration timeout) {
      double senseC = junction();
      advance((long) (1e9 / FPS));
      double psnr = 40 - 0.22 * senseC;   // ~24 dB at ~73 C
      int code = mode.equals("cap") ? 1 : mode.equals("far") ? 2 : 0;
      Map<String, Double> metrics = new java.util.HashMap<>(Map.of("temperatureC", junction(), "psnrDb", psnr, "modeCode", (double) code,
          "nodePowerW", mode.equals("nsp") ? 2.0 : 0.305, "transferPowerW", mode.equals("far") ? 0.898 : 0.0, "farPowerW", mode.equals("far") ? 1.5 : 0.0));
      if (code != 1) metrics.put("agreement", 1.0);
      return new InferenceResult(SchemaVersion.CURRENT, "sensor-1", 1, "c" + index, model, "frame", Precision.FP32, "sensor-1", 1, Outcome.OK, null,
          1, 1, null, 1, 1, null, 0.06, PowerSource.MODELLED, null, null, metrics);
    }
  }

  static final class ListSink implements TelemetrySink {
    final List<TelemetryPoint> points = new ArrayList<>();

    @Override public void write(TelemetryPoint p) { points.add(p); }
    @Override public void flush() {}
    @Override public TimeseriesInfo info() { return null; }
    @Override public void close() {}
  }

  private static ThermalSpec spec(List<String> policies, double ambient, double durationS) {
    return new ThermalSpec("t", "thermal", "sensor-1", "edge-1", FPS, 24.0, 500L, durationS, policies, 1,
        List.of(new ThermalSpec.EnvironmentStep(0, ambient, 1.0)), 200L, 10.0, null);
  }

  private static ThermalRunner.Finished run(FakeNode node, ListSink sink, ThermalSpec spec) throws Exception {
    ThermalRunner runner = new ThermalRunner(ThermalSettings.defaults(), node, sink, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), () -> node.monoNs);
    return runner.run("run-1", spec, "http://127.0.0.1:1");
  }

  @Test
  void stopCaptureGoGatesBeforeEachDueCaptureAboveTheThresholdAndCapturesCool() throws Exception {
    FakeNode node = new FakeNode();
    ListSink sink = new ListSink();
    ThermalRunner.Finished out = run(node, sink, spec(List.of("stop-capture-go"), 45, 20));
    ThermalReport.PolicyFigures scg = out.report().policies().get(0);
    double threshold = scg.thresholdC();
    List<ThermalFrame> captures = out.frames().stream().filter(ThermalFrame::capture).toList();
    assertThat(captures).hasSizeGreaterThan(30);
    // every capture is sensed at or below T_cap: the frame before a capture ended cool enough
    for (ThermalFrame c : captures) {
      ThermalFrame before = out.frames().get((int) c.index() - 1);
      assertThat(before.temperatureC()).isLessThanOrEqualTo(threshold);
    }
    assertThat(out.changes()).extracting(ModeChange::to).contains("cap", "nsp");
    assertThat(out.changes().stream().filter(c -> c.to().equals("cap")).count()).isGreaterThan(5);
    assertThat(scg.maxTemperatureC()).isGreaterThan(threshold);
    assertThat(scg.duty()).isBetween(0.5, 0.999);   // stops cost frames, but most frames are processed
    assertThat(node.modes).contains("cap");
    List<TelemetryPoint> thermal = sink.points.stream().filter(p -> p.measurement().equals("thermal")).toList();
    assertThat(thermal).hasSize(out.frames().size());
    assertThat(thermal.get(0).tags()).containsEntry("run", "run-1").containsEntry("device", "sensor-1").containsEntry("policy", "stop-capture-go")
        .containsKey("mode");
    assertThat(thermal.get(0).fields()).containsKeys("temperatureC", "psnrDb", "powerW", "energyJ", "captured", "thresholdC");
    assertThat(sink.points.stream().filter(p -> p.measurement().equals("experiment_event") && "mode".equals(p.tags().get("kind"))).count())
        .isEqualTo(out.changes().size());
  }

  @Test
  void baselinesAndSeasonalMigrationOnOneRun() throws Exception {
    FakeNode node = new FakeNode();
    ThermalRunner.Finished out = run(node, new ListSink(), spec(List.of("all-far", "all-near", "seasonal-migration"), 45, 10));
    ThermalReport r = out.report();
    ThermalReport.PolicyFigures far = r.policies().get(0), near = r.policies().get(1), seasonal = r.policies().get(2);
    assertThat(far.systemPowerW()).isCloseTo(0.305 + 0.898 + 1.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(near.systemPowerW()).isEqualTo(2.0);
    assertThat(near.savedVsAllFarPct()).isGreaterThan(20);
    assertThat(near.timeAboveThresholdS()).isGreaterThan(0);
    assertThat(seasonal.modeChanges()).isGreaterThanOrEqualTo(2);   // home nsp, then -> far when hot
    assertThat(out.changes().stream().filter(c -> c.policy().equals("seasonal-migration")).map(ModeChange::to)).contains("far");
    assertThat(seasonal.nearDuty()).isLessThan(1.0);
  }

  @Test
  void aRefusedHomeModeFailsTheRunWithTheReason() {
    FakeNode node = new FakeNode();
    node.refuseFar = true;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(node, new ListSink(), spec(List.of("all-far"), 25, 2)))
        .hasMessageContaining("refused mode far");
  }
}
