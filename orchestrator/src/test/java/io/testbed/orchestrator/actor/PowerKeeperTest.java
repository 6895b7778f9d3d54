package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.config.PowerMeterSettings;
import io.testbed.orchestrator.model.ClockView;
import io.testbed.orchestrator.model.EnergyView;
import io.testbed.orchestrator.model.MeterView;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The power keeper with a fake MQTT side (a probe standing in for the connection actor) and a controlled reference
 * clock: clock estimation under injected offset and jitter, exact joules for a constant meter signal, the too-slow
 * rule (window average with its note, unavailable without earlier inferences), and a missing clock estimate.
 */
class PowerKeeperTest {
  static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialize-messages = on
      testbed.orchestrator.power-meters.probe-interval = 1h
      testbed.orchestrator.power-meters.energy-wait = 300ms
      """).withFallback(ConfigFactory.load());
  static final ActorTestKit testKit = ActorTestKit.create("power-keeper-test", CONFIG);
  static final PowerMeterSettings SETTINGS = PowerMeterSettings.fromConfig(CONFIG);
  static final long T0 = 1_780_000_000_000_000_000L;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A reference clock the test sets. */
  static final class SetClock extends Clock {
    final AtomicLong ns = new AtomicLong(T0);

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { return this; }

    @Override
    public Instant instant() { return Instant.ofEpochSecond(0, ns.get()); }
  }

  final SetClock clock = new SetClock();
  final RecentWindowSink sink = RecentWindowSink.memoryOnly(100_000);
  final TestProbe<MqttConnection.Command> mqtt = testKit.createTestProbe(MqttConnection.Command.class);

  ActorRef<PowerKeeper.Command> keeper(Config overrides) {
    PowerMeterSettings s = PowerMeterSettings.fromConfig(overrides.withFallback(CONFIG));
    return testKit.spawn(PowerKeeper.create(mqtt.ref(), sink, clock, s));
  }

  static PowerSampleBatch batch(String meter, String device, double rateHz, List<PowerSample> samples) {
    return new PowerSampleBatch(SchemaVersion.CURRENT, device, samples.get(samples.size() - 1).timestampNs(), meter,
        PowerSource.METERED, rateHz, samples);
  }

  /** Constant {@code watts} at {@code rateHz} over [fromNs, toNs] on the meter's clock. */
  static List<PowerSample> constant(double watts, double rateHz, long fromNs, long toNs) {
    List<PowerSample> out = new ArrayList<>();
    long step = Math.round(1e9 / rateHz);
    for (long t = fromNs; t <= toNs; t += step) out.add(new PowerSample(t, watts, null, null));
    return out;
  }

  /**
   * Answers every probe published so far as a remote whose clock is {@code offset(target)} ahead, with one-way delays
   * drawn by {@code delay}; the reference clock is set to each echo's arrival before the keeper sees it.
   */
  int answerProbes(ActorRef<PowerKeeper.Command> keeper, java.util.function.ToLongFunction<String> offset,
      java.util.function.LongSupplier delay) {
    int answered = 0;
    List<MqttConnection.Command> msgs = mqtt.receiveSeveralMessages(1);
    List<MqttConnection.Command> all = new ArrayList<>(msgs);
    while (true) {
      try {
        all.add(mqtt.receiveMessage(Duration.ofMillis(50)));
      } catch (AssertionError e) {
        break;
      }
    }
    for (MqttConnection.Command c : all) {
      MqttConnection.Publish p = (MqttConnection.Publish) c;
      ClockProbe probe = (ClockProbe) p.message();
      boolean meter = p.topic().equals(Topics.meterCommands(probe.deviceId()));
      long off = offset.applyAsLong(probe.deviceId());
      long up = delay.getAsLong();
      long down = delay.getAsLong();
      long t1 = probe.timestampNs() + up + off;
      long t2 = t1 + 20_000;
      clock.ns.set(probe.timestampNs() + up + 20_000 + down);
      keeper.tell(new PowerKeeper.EchoReceived(meter ? "meter" : "device", probe.deviceId(), ClockEcho.of(probe, t1, t2), 0));
      clocks(keeper); // the keeper has taken the echo before the clock moves again
      answered++;
    }
    return answered;
  }

  List<ClockView> clocks(ActorRef<PowerKeeper.Command> keeper) {
    TestProbe<PowerKeeper.Clocks> r = testKit.createTestProbe(PowerKeeper.Clocks.class);
    keeper.tell(new PowerKeeper.ListClocks(r.ref()));
    return r.receiveMessage().clocks();
  }

  List<EnergyView> energies(ActorRef<PowerKeeper.Command> keeper, String meter) {
    TestProbe<PowerKeeper.Energies> r = testKit.createTestProbe(PowerKeeper.Energies.class);
    keeper.tell(new PowerKeeper.GetEnergies(meter, r.ref()));
    return r.receiveMessage().energies();
  }

  static InferenceResult result(String device, String id, long startNs, long endNs, Double deviceJ) {
    return new InferenceResult(SchemaVersion.CURRENT, device, endNs, id, "mobilenet", "cpu", Precision.FP32, device, 1, Outcome.OK,
        null, (endNs - startNs) / 1e6, (endNs - startNs) / 1e6, null, startNs, endNs, "ab", deviceJ,
        deviceJ == null ? null : PowerSource.MODELLED, null, null);
  }

  @Test
  void estimatesOffsetsOfDeviceAndMeterUnderJitter() {
    ActorRef<PowerKeeper.Command> keeper = keeper(ConfigFactory.parseString("testbed.orchestrator.power-meters.probe-interval = 300ms"));
    SplittableRandom rnd = new SplittableRandom(42);
    long deviceOffset = 7_300_000L;   // device clock 7.3 ms ahead
    long meterOffset = -2_100_000L;   // meter clock 2.1 ms behind
    // one batch makes the meter known: it and its bound device are probed at once, then every probe-interval
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", 1000, constant(1.0, 1000, T0, T0 + 10_000_000L))));
    // one-way delays: 200 us plus exponential queueing jitter (mean 300 us)
    java.util.function.LongSupplier jitter = () -> 200_000L + (long) (-Math.log(1 - rnd.nextDouble()) * 300_000);
    int answered = 0;
    while (clocks(keeper).stream().anyMatch(c -> c.exchanges() < 16)) {
      answered += answerProbes(keeper, id -> id.equals("phone-1") ? deviceOffset : meterOffset, jitter);
      clock.ns.addAndGet(1_000_000_000L);
    }
    assertThat(answered).isGreaterThanOrEqualTo(32);
    ClockView device = clocks(keeper).stream().filter(c -> c.id().equals("phone-1")).findFirst().orElseThrow();
    ClockView meter = clocks(keeper).stream().filter(c -> c.id().equals("ina-1")).findFirst().orElseThrow();
    assertThat(device.kind()).isEqualTo("device");
    assertThat(meter.kind()).isEqualTo("meter");
    assertThat(device.probesSent()).isGreaterThanOrEqualTo(16);
    // the truth lies within the stated uncertainty, which is at least half the least round trip (>= 200 us here)
    assertThat(Math.abs(device.offsetNs() - deviceOffset)).isLessThanOrEqualTo(device.uncertaintyNs());
    assertThat(Math.abs(meter.offsetNs() - meterOffset)).isLessThanOrEqualTo(meter.uncertaintyNs());
    assertThat(device.uncertaintyNs()).isBetween(200_000.0, 2_000_000.0);
    assertThat(Math.abs(device.driftPpm())).isLessThan(1000.0);
    List<TelemetryPoint> points = sink.recent(PowerKeeper.CLOCK);
    assertThat(points).hasSizeGreaterThanOrEqualTo(32);
    assertThat(points).allSatisfy(p -> assertThat(p.fields()).containsKeys("offsetNs", "driftPpm", "uncertaintyNs"));
    assertThat(points).extracting(p -> p.tags().get("device")).contains("phone-1", "ina-1");
  }

  /** Symmetric, fixed delays: the estimates are exact, so the expected joules are too. */
  ActorRef<PowerKeeper.Command> syncedKeeper(Config overrides, long deviceOffset, long meterOffset, double rateHz, double watts) {
    ActorRef<PowerKeeper.Command> keeper = keeper(overrides);
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", rateHz, List.of(new PowerSample(T0 - 10_000_000_000L + meterOffset, watts, null, null)))));
    answerProbes(keeper, id -> id.equals("phone-1") ? deviceOffset : meterOffset, () -> 100_000L);
    return keeper;
  }

  @Test
  void integratesTheBoundMetersPowerOverTheCorrectedWindow() {
    long deviceOffset = 5_000_000L;
    long meterOffset = -3_000_000L;
    ActorRef<PowerKeeper.Command> keeper = syncedKeeper(ConfigFactory.empty(), deviceOffset, meterOffset, 1000, 3.0);
    long ref = clock.ns.get();
    // 3.0 W at 1 kHz on the meter's clock over two seconds of reference time
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", 1000, constant(3.0, 1000, ref + meterOffset, ref + 2_000_000_000L + meterOffset))));
    // a 100 ms inference stamped on the device's clock
    long start = ref + 500_000_000L + deviceOffset;
    keeper.tell(new PowerKeeper.Annotate(result("phone-1", "job-1/0", start, start + 100_000_000L, 0.05), "job-1", "fixed"));

    EnergyView e = awaitEnergies(keeper, 1).get(0);
    assertThat(e.energyMethod()).isEqualTo("integrated");
    assertThat(e.energyJ()).isCloseTo(0.3, within(1e-9));
    assertThat(e.energySource()).isEqualTo("metered");
    assertThat(e.deviceEnergyJ()).isEqualTo(0.05);
    assertThat(e.startNs()).isEqualTo(ref + 500_000_000L);
    assertThat(e.rawStartNs()).isEqualTo(start);
    assertThat(e.samplesInWindow()).isEqualTo(101);
    assertThat(e.alignmentUncertaintyNs()).isCloseTo(Math.hypot(100_000, 100_000), within(1.0));
    assertThat(e.energyUncertaintyJ()).isCloseTo(e.alignmentUncertaintyNs() * 1e-9 * 6.0, within(1e-12));
    assertThat(e.note()).isEmpty();

    TelemetryPoint p = sink.recent(Measurements.INFERENCE).get(0);
    assertThat(p.tags()).containsEntry("meter", "ina-1").containsEntry("energyMethod", "integrated").containsEntry("source", "metered")
        .containsEntry("deviceEnergySource", "modelled").containsEntry("run", "job-1");
    assertThat(p.fields().get("energyJ").doubleValue()).isCloseTo(0.3, within(1e-9));
    assertThat(p.fields()).containsEntry("deviceEnergyJ", 0.05).containsKey("energyUncertaintyJ")
        .containsEntry("startNs", ref + 500_000_000L).containsEntry("rawStartNs", start);

    MeterView view = meter(keeper, "ina-1");
    assertThat(view.boundDevice()).isEqualTo("phone-1");
    assertThat(view.binding()).isEqualTo("batch");
    assertThat(view.measuredRateHz()).isGreaterThan(900);
    assertThat(view.clock().offsetNs()).isCloseTo(meterOffset, within(1.0));
  }

  @Test
  void aMeterTooSlowForTheWindowFallsBackToTheWindowAverageAndSaysSo() {
    ActorRef<PowerKeeper.Command> keeper = syncedKeeper(ConfigFactory.empty(), 0, 0, 20, 2.0);
    long ref = clock.ns.get();
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", 20, constant(2.0, 20, ref, ref + 3_000_000_000L))));
    // ten back-to-back 100 ms inferences: a 20 Hz meter has ~2 samples in each
    for (int i = 0; i < 10; i++) {
      long s = ref + 1_000_000_000L + i * 100_000_000L;
      keeper.tell(new PowerKeeper.Annotate(result("phone-1", "job-2/" + i, s, s + 100_000_000L, null), "job-2", "fixed"));
    }
    List<EnergyView> es = awaitEnergies(keeper, 10);
    assertThat(es.get(0).energyMethod()).isEqualTo("unavailable");
    assertThat(es.get(0).energyJ()).isNull();
    assertThat(es.get(0).note()).contains("fewer than 10").contains("no averaging window");
    EnergyView last = es.get(9);
    assertThat(last.energyMethod()).isEqualTo("window-average");
    assertThat(last.note()).contains("meter too slow").contains("10 inferences");
    assertThat(last.energyJ()).isCloseTo(0.2, within(1e-9));   // 2 W x 1 s / 10 inferences
    TelemetryPoint p = sink.recent(Measurements.INFERENCE).get(9);
    assertThat(p.tags()).containsEntry("energyMethod", "window-average");
    assertThat(p.textFields().get("energyNote")).contains("meter too slow");
    assertThat(p.fields()).doesNotContainKey("deviceEnergyJ");
  }

  @Test
  void withoutAClockEstimateTheEnergyIsUnavailableNotGuessed() {
    ActorRef<PowerKeeper.Command> keeper = keeper(ConfigFactory.empty());
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", 1000, constant(1.0, 1000, T0, T0 + 1_000_000_000L))));
    keeper.tell(new PowerKeeper.Annotate(result("phone-1", "job-3/0", T0 + 100_000_000L, T0 + 200_000_000L, 0.01), "none", null));
    EnergyView e = awaitEnergies(keeper, 1).get(0);
    assertThat(e.energyMethod()).isEqualTo("unavailable");
    assertThat(e.note()).contains("no clock estimate");
    assertThat(sink.recent(Measurements.INFERENCE).get(0).fields()).doesNotContainKey("energyJ").containsEntry("deviceEnergyJ", 0.01);
  }

  @Test
  void resultsOfDevicesWithoutAMeterAreWrittenUnchanged() {
    ActorRef<PowerKeeper.Command> keeper = keeper(ConfigFactory.empty());
    keeper.tell(new PowerKeeper.Annotate(result("cloud-1", "job-4/0", T0, T0 + 5_000_000L, 0.2), "none", "fixed"));
    TelemetryPoint p = awaitPoints(1).get(0);
    assertThat(p.fields()).containsEntry("energyJ", 0.2).doesNotContainKey("deviceEnergyJ");
    assertThat(p.tags()).doesNotContainKey("meter").containsEntry("source", "modelled");
    mqtt.expectNoMessage(Duration.ofMillis(100)); // no meter bound: the device is not probed
  }

  MeterView meter(ActorRef<PowerKeeper.Command> keeper, String id) {
    TestProbe<PowerKeeper.MeterLookup> r = testKit.createTestProbe(PowerKeeper.MeterLookup.class);
    keeper.tell(new PowerKeeper.GetMeter(id, r.ref()));
    return r.receiveMessage().meter();
  }

  List<EnergyView> awaitEnergies(ActorRef<PowerKeeper.Command> keeper, int n) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> energies(keeper, "ina-1").size() >= n);
    return energies(keeper, "ina-1");
  }

  List<TelemetryPoint> awaitPoints(int n) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.recent(Measurements.INFERENCE).size() >= n);
    return sink.recent(Measurements.INFERENCE);
  }

  PowerKeeper.WindowPowers windowPower(ActorRef<PowerKeeper.Command> keeper, String device, String meter, long from, long to) {
    TestProbe<PowerKeeper.WindowPowers> r = testKit.createTestProbe(PowerKeeper.WindowPowers.class);
    keeper.tell(new PowerKeeper.GetWindowPower(device, meter, from, to, r.ref()));
    return r.receiveMessage();
  }

  @Test
  void aCalibrationWindowGetsTheMetersAndTheDevicesOwnMeanPowerOnOneClock() {
    long deviceOffset = 5_000_000L;
    long meterOffset = -3_000_000L;
    ActorRef<PowerKeeper.Command> keeper = syncedKeeper(ConfigFactory.empty(), deviceOffset, meterOffset, 1000, 3.0);
    long ref = clock.ns.get();
    // the meter: 1 W for the first second, 3 W for the next, on its own clock
    List<PowerSample> meter = new ArrayList<>(constant(1.0, 1000, ref + meterOffset, ref + 999_000_000L + meterOffset));
    meter.addAll(constant(3.0, 1000, ref + 1_000_000_000L + meterOffset, ref + 2_000_000_000L + meterOffset));
    keeper.tell(new PowerKeeper.MeterBatch(batch("ina-1", "phone-1", 1000, meter)));
    // the device's own modelled power at 10 Hz on its clock, under the SAME meter id as a bridge meter could have
    keeper.tell(new PowerKeeper.DevicePower(new PowerSampleBatch(SchemaVersion.CURRENT, "phone-1", ref, "ina-1",
        PowerSource.MODELLED, 10, constant(0.6, 10, ref + deviceOffset, ref + 2_000_000_000L + deviceOffset))));

    PowerKeeper.WindowPowers w = windowPower(keeper, "phone-1", null, ref + 1_000_000_000L, ref + 2_000_000_000L);
    assertThat(w.meterId()).isEqualTo("ina-1");
    assertThat(w.meterSource()).isEqualTo("metered");
    assertThat(w.metered().meanW()).isCloseTo(3.0, within(1e-9)); // the 1 W second lies outside once corrected
    assertThat(w.metered().samplesInWindow()).isEqualTo(1001);
    assertThat(w.metered().covered()).isTrue();
    assertThat(w.device().meanW()).isCloseTo(0.6, within(1e-9)); // not mixed with the meter's samples
    assertThat(w.device().samplesInWindow()).isEqualTo(11);
    assertThat(w.deviceOffsetNs()).isCloseTo(-deviceOffset, within(1.0)); // orchestrator minus device
    assertThat(w.alignmentUncertaintyNs()).isCloseTo(Math.hypot(100_000, 100_000), within(1.0));
    // the window straddling the step: the time-weighted mean
    assertThat(windowPower(keeper, "phone-1", "ina-1", ref + 500_000_000L, ref + 1_500_000_000L).metered().meanW())
        .isCloseTo(2.0, within(2e-3));

    PowerKeeper.WindowPowers none = windowPower(keeper, "phone-2", null, ref, ref + 1_000_000_000L);
    assertThat(none.meterId()).isNull();
    assertThat(none.metered().meanW()).isNull();
    assertThat(none.metered().note()).contains("no meter is bound to device 'phone-2'");
    assertThat(none.device().note()).contains("has sent no power samples");
    assertThat(none.deviceOffsetNs()).isNull();
  }
}
