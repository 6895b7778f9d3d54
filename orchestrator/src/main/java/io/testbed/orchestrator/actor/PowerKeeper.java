package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.testbed.orchestrator.config.PowerMeterSettings;
import io.testbed.orchestrator.model.ClockView;
import io.testbed.orchestrator.model.EnergyView;
import io.testbed.orchestrator.model.MeterView;
import io.testbed.orchestrator.policy.clock.ClockSync;
import io.testbed.orchestrator.policy.energy.EnergyIntegrator;
import io.testbed.orchestrator.policy.energy.EnergyResult;
import io.testbed.orchestrator.policy.energy.MeterRing;
import io.testbed.orchestrator.policy.energy.MeteredEnergy;
import io.testbed.orchestrator.policy.energy.WindowPower;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One clock, bound meters, per-inference energy (issue 6). Keeps a {@link ClockSync} per device and per meter, fed by
 * {@link ClockProbe}/{@link ClockEcho} exchanges every {@code probe-interval}; every meter seen on
 * {@code testbed/v1/meters/+/power} with a {@link MeterRing} of recent samples and its binding (the batch's device,
 * or one set over REST); and, for each inference result of a device with a bound meter, the meter's energy over the
 * result's corrected window ({@link MeteredEnergy}), written into the {@code inference} point beside the device's own
 * figure ({@code deviceEnergyJ}). Results of devices without a meter are written unchanged at once.
 */
public final class PowerKeeper extends AbstractBehavior<PowerKeeper.Command> {

  /** Messages of the power keeper. Polymorphic in JSON because the registry's {@code ToPower} envelope carries them. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = MeterBatch.class, name = "meter-batch"),
    @JsonSubTypes.Type(value = EchoReceived.class, name = "echo-received"),
    @JsonSubTypes.Type(value = Annotate.class, name = "annotate"),
    @JsonSubTypes.Type(value = ListMeters.class, name = "list-meters"),
    @JsonSubTypes.Type(value = GetMeter.class, name = "get-meter"),
    @JsonSubTypes.Type(value = Bind.class, name = "bind"),
    @JsonSubTypes.Type(value = ListClocks.class, name = "list-clocks"),
    @JsonSubTypes.Type(value = GetEnergies.class, name = "get-energies"),
    @JsonSubTypes.Type(value = GetRunEnergies.class, name = "get-run-energies"),
    @JsonSubTypes.Type(value = ProbeTick.class, name = "probe-tick"),
    @JsonSubTypes.Type(value = AnnotateDeadline.class, name = "annotate-deadline"),
    @JsonSubTypes.Type(value = DevicePower.class, name = "device-power"),
    @JsonSubTypes.Type(value = GetWindowPower.class, name = "get-window-power")
  })
  public sealed interface Command extends JsonSerializable {}

  /** A bridge's batch, as it came on {@code testbed/v1/meters/{id}/power}. */
  public record MeterBatch(PowerSampleBatch batch) implements Command {}

  /**
   * A clock echo from a device ({@code kind = device}) or a bridge's meter ({@code kind = meter}), with its arrival
   * time {@code t3} as the MQTT client saw it (epoch ns; 0: the keeper reads its clock on receipt).
   */
  public record EchoReceived(String kind, String sourceId, ClockEcho echo, long arrivalNs) implements Command {}

  /** A result the twin answered: attach the meter's energy and write the inference point. */
  public record Annotate(InferenceResult result, String run, String policy) implements Command {}

  public record ListMeters(ActorRef<Meters> replyTo) implements Command {}

  public record Meters(List<MeterView> meters) implements JsonSerializable {}

  public record GetMeter(String meterId, ActorRef<MeterLookup> replyTo) implements Command {}

  /** Answer to {@link GetMeter}: the view, or null for an unknown meter. */
  public record MeterLookup(String meterId, MeterView meter) implements JsonSerializable {}

  /** Re-binds a meter ({@code deviceId} non-null) or returns it to its batches' device (null). */
  public record Bind(String meterId, String deviceId, ActorRef<MeterLookup> replyTo) implements Command {}

  public record ListClocks(ActorRef<Clocks> replyTo) implements Command {}

  public record Clocks(List<ClockView> clocks) implements JsonSerializable {}

  /** Recent per-inference energies of one meter, oldest first ({@code energies} null for an unknown meter). */
  public record GetEnergies(String meterId, ActorRef<Energies> replyTo) implements Command {}

  public record Energies(String meterId, List<EnergyView> energies) implements JsonSerializable {}

  /** The kept per-inference energies of one run or job (its run tag), every meter, in time order. */
  public record GetRunEnergies(String run, ActorRef<RunEnergies> replyTo) implements Command {}

  /** @param pending inferences of the run still waiting for their meter's samples */
  public record RunEnergies(String run, List<EnergyView> energies, int pending) implements JsonSerializable {}

  /** The device's own (modelled) power samples, as its twin received them on {@code .../telemetry/power}. */
  public record DevicePower(PowerSampleBatch batch) implements Command {}

  /**
   * Mean power over a window on the orchestrator's clock (a calibration step), from the meter ({@code meterId}; null:
   * the one bound to the device) and from the device's own power samples. Answers {@link WindowPowers}.
   */
  public record GetWindowPower(String deviceId, String meterId, long fromNs, long toNs, ActorRef<WindowPowers> replyTo)
      implements Command {}

  /**
   * Answer to {@link GetWindowPower}.
   *
   * @param meterId the meter used; null when none is known or bound
   * @param meterSource its batches' source ({@code metered} or {@code modelled})
   * @param deviceOffsetNs orchestrator minus device clock at the window's middle; null before the device's first echo
   * @param alignmentUncertaintyNs both clocks' uncertainty, root sum square (NaN when either is unknown)
   */
  public record WindowPowers(String deviceId, String meterId, String meterSource, WindowPower metered,
      WindowPower device, Double deviceOffsetNs, double alignmentUncertaintyNs) implements JsonSerializable {}

  private record ProbeTick() implements Command {}

  private record AnnotateDeadline(String key) implements Command {}

  public static Behavior<Command> create(ActorRef<MqttConnection.Command> mqtt, TelemetrySink sink, Clock clock,
      PowerMeterSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PowerKeeper(ctx, timers, mqtt, sink, clock, settings)));
  }

  static final String CLOCK = "clock";

  private static final class Source {
    final String kind;
    final String id;
    final ClockSync sync;
    long probesSent;
    long refused;

    Source(String kind, String id, PowerMeterSettings s) {
      this.kind = kind;
      this.id = id;
      this.sync = new ClockSync(s.clockWindow(), s.clockKeepLowestDelay());
    }
  }

  private static final class Meter {
    final String id;
    final MeterRing ring;
    String batchDevice;
    String restDevice;
    PowerSource source;
    double sampleRateHz;
    final Deque<EnergyView> energies = new ArrayDeque<>();

    Meter(String id, long horizonNs) {
      this.id = id;
      this.ring = new MeterRing(horizonNs);
    }

    String boundDevice() { return restDevice != null ? restDevice : batchDevice; }
  }

  private record SentProbe(String key, long t0) {}

  private record Pending(String key, Annotate annotate, String meterId, long sinceNs) {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<MqttConnection.Command> mqtt;
  private final TelemetrySink sink;
  private final Clock clock;
  private final PowerMeterSettings settings;
  private final MeteredEnergy energy;
  private final Map<String, Source> sources = new TreeMap<>();
  private final Map<String, Meter> meters = new TreeMap<>();
  private final Set<String> probedDevices = new LinkedHashSet<>();
  private final Map<String, SentProbe> sentProbes = new LinkedHashMap<>();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Deque<MeteredEnergy.Window>> recentWindows = new HashMap<>();
  private final Map<String, MeterRing> devicePower = new HashMap<>();
  private long probeSeq;
  private long annotateSeq;

  private PowerKeeper(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<MqttConnection.Command> mqtt,
      TelemetrySink sink, Clock clock, PowerMeterSettings settings) {
    super(ctx);
    this.ctx = ctx;
    this.timers = timers;
    this.mqtt = mqtt;
    this.sink = sink;
    this.clock = clock;
    this.settings = settings;
    this.energy = new MeteredEnergy(new EnergyIntegrator(settings.minSamples()), settings.idleGuard().toNanos());
    timers.startTimerWithFixedDelay("probe", new ProbeTick(), settings.probeInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MeterBatch.class, this::onBatch)
        .onMessage(EchoReceived.class, this::onEcho)
        .onMessage(Annotate.class, this::onAnnotate)
        .onMessage(AnnotateDeadline.class, this::onDeadline)
        .onMessage(ProbeTick.class, m -> {
          probeAll();
          return this;
        })
        .onMessage(ListMeters.class, m -> {
          m.replyTo().tell(new Meters(meters.values().stream().map(this::view).toList()));
          return this;
        })
        .onMessage(GetMeter.class, m -> {
          Meter meter = meters.get(m.meterId());
          m.replyTo().tell(new MeterLookup(m.meterId(), meter == null ? null : view(meter)));
          return this;
        })
        .onMessage(Bind.class, this::onBind)
        .onMessage(DevicePower.class, this::onDevicePower)
        .onMessage(GetWindowPower.class, this::onWindowPower)
        .onMessage(ListClocks.class, m -> {
          m.replyTo().tell(new Clocks(sources.values().stream().map(PowerKeeper::clockView).toList()));
          return this;
        })
        .onMessage(GetRunEnergies.class, m -> {
          m.replyTo().tell(new RunEnergies(m.run(), meters.values().stream().flatMap(x -> x.energies.stream())
              .filter(e -> m.run().equals(e.run())).sorted(java.util.Comparator.comparingLong(EnergyView::startNs)).toList(),
              (int) pending.values().stream().filter(p -> m.run().equals(p.annotate().run())).count()));
          return this;
        })
        .onMessage(GetEnergies.class, m -> {
          Meter meter = meters.get(m.meterId());
          m.replyTo().tell(new Energies(m.meterId(), meter == null ? null : List.copyOf(meter.energies)));
          return this;
        })
        .build();
  }

  // --- meters ---------------------------------------------------------------------------------------------------

  private Behavior<Command> onBatch(MeterBatch m) {
    PowerSampleBatch b = m.batch();
    Meter meter = meters.get(b.meterId());
    if (meter == null) {
      meter = new Meter(b.meterId(), settings.ringHorizon().toNanos());
      meters.put(b.meterId(), meter);
      ctx.getLog().info("Meter {} seen ({} source, {} Hz), bound to {}", b.meterId(), b.source().wireName(), b.sampleRateHz(), b.deviceId());
      meter.batchDevice = b.deviceId();
      probe(source("meter", b.meterId()));
      probeDevice(b.deviceId());
    }
    meter.batchDevice = b.deviceId();
    meter.source = b.source();
    meter.sampleRateHz = b.sampleRateHz();
    long droppedBefore = meter.ring.duplicatesDropped() + meter.ring.nonMonotonicDropped();
    meter.ring.add(b.samples());
    long dropped = meter.ring.duplicatesDropped() + meter.ring.nonMonotonicDropped();
    if (dropped / 1000 > droppedBefore / 1000 || (droppedBefore == 0 && dropped > 0)) {
      ctx.getLog().warn("Meter {}: {} samples dropped so far (duplicated or earlier timestamps)", b.meterId(), dropped);
    }
    tryPending(false);
    return this;
  }

  private Behavior<Command> onDevicePower(DevicePower m) {
    devicePower.computeIfAbsent(m.batch().deviceId(), d -> new MeterRing(settings.ringHorizon().toNanos()))
        .add(m.batch().samples());
    return this;
  }

  private Behavior<Command> onWindowPower(GetWindowPower m) {
    Meter meter = m.meterId() != null ? meters.get(m.meterId()) : meterOf(m.deviceId()).orElse(null);
    Optional<ClockSync.Estimate> deviceClock = Optional.ofNullable(sources.get("device:" + m.deviceId()))
        .flatMap(s -> s.sync.estimate());
    Optional<ClockSync.Estimate> meterClock = meter == null ? Optional.empty()
        : Optional.ofNullable(sources.get("meter:" + meter.id)).flatMap(s -> s.sync.estimate());
    WindowPower metered;
    if (meter == null) {
      metered = new WindowPower(null, 0, false, m.meterId() != null ? "meter '" + m.meterId() + "' has sent no samples"
          : "no meter is bound to device '" + m.deviceId() + "'");
    } else if (meterClock.isEmpty()) {
      metered = new WindowPower(null, 0, false, "no clock estimate of meter '" + meter.id + "' yet: its samples cannot be aligned");
    } else {
      metered = WindowPower.of(meter.ring.samples(), meterClock.get(), m.fromNs(), m.toNs());
    }
    MeterRing own = devicePower.get(m.deviceId());
    WindowPower device = own == null ? new WindowPower(null, 0, false, "device '" + m.deviceId() + "' has sent no power samples")
        : WindowPower.of(own.samples(), deviceClock.orElse(null), m.fromNs(), m.toNs());
    if (own != null && deviceClock.isEmpty() && device.meanW() != null) {
      device = new WindowPower(device.meanW(), device.samplesInWindow(), device.covered(),
          (device.note().isEmpty() ? "" : device.note() + "; ") + "device clock not estimated: its timestamps taken as the orchestrator's");
    }
    long mid = m.fromNs() + (m.toNs() - m.fromNs()) / 2;
    Double offset = deviceClock.map(e -> (double) (e.correct(mid) - mid)).orElse(null);
    double sigma = deviceClock.isPresent() && meterClock.isPresent()
        ? Math.hypot(deviceClock.get().uncertaintyNs(), meterClock.get().uncertaintyNs()) : Double.NaN;
    m.replyTo().tell(new WindowPowers(m.deviceId(), meter == null ? null : meter.id,
        meter == null || meter.source == null ? null : meter.source.wireName(), metered, device, offset, sigma));
    return this;
  }

  private Behavior<Command> onBind(Bind m) {
    Meter meter = meters.get(m.meterId());
    if (meter != null) {
      meter.restDevice = m.deviceId();
      ctx.getLog().info("Meter {} bound to {} ({})", m.meterId(), meter.boundDevice(), m.deviceId() == null ? "its batches' device" : "over REST");
      probeDevice(meter.boundDevice());
    }
    m.replyTo().tell(new MeterLookup(m.meterId(), meter == null ? null : view(meter)));
    return this;
  }

  private Optional<Meter> meterOf(String deviceId) {
    return meters.values().stream().filter(x -> deviceId.equals(x.boundDevice())).findFirst();
  }

  // --- clocks ---------------------------------------------------------------------------------------------------

  private Source source(String kind, String id) {
    return sources.computeIfAbsent(kind + ":" + id, k -> new Source(kind, id, settings));
  }

  private void probeDevice(String deviceId) {
    if (probedDevices.add(deviceId)) probe(source("device", deviceId));
  }

  private void probeAll() {
    long cutoff = nowNs() - 4 * settings.probeInterval().toNanos();
    sentProbes.values().removeIf(p -> p.t0() < cutoff);
    for (Meter m : meters.values()) probe(source("meter", m.id));
    for (String d : probedDevices) probe(source("device", d));
  }

  private void probe(Source s) {
    String topic = "meter".equals(s.kind) ? Topics.meterCommands(s.id) : Topics.commands(s.id);
    for (int i = 0; i < settings.probesPerRound(); i++) {
      String probeId = "clk-" + (++probeSeq);
      long t0 = nowNs();
      sentProbes.put(probeId, new SentProbe(s.kind + ":" + s.id, t0));
      s.probesSent++;
      mqtt.tell(new MqttConnection.Publish(topic, new ClockProbe(SchemaVersion.CURRENT, s.id, t0, probeId), 0, false, null));
    }
  }

  private Behavior<Command> onEcho(EchoReceived m) {
    long t3 = m.arrivalNs() > 0 ? m.arrivalNs() : nowNs();
    ClockEcho e = m.echo();
    String key = m.kind() + ":" + m.sourceId();
    SentProbe sent = sentProbes.remove(e.probeId());
    Source s = sources.get(key);
    if (sent == null || s == null || !sent.key().equals(key) || sent.t0() != e.t0()) {
      if (s != null) s.refused++;
      ctx.getLog().debug("Clock echo {} from {} matches no probe sent to it; dropped", e.probeId(), key);
      return this;
    }
    if (!s.sync.add(new ClockSync.Exchange(e.t0(), e.t1(), e.t2(), t3))) {
      s.refused++;
      return this;
    }
    ClockSync.Estimate est = s.sync.estimate().orElseThrow();
    sink.write(TelemetryPoint.builder(CLOCK, t3)
        .tag("device", s.id)
        .tag("kind", s.kind)
        .field("offsetNs", est.offsetAt(t3))
        .field("driftPpm", est.drift() * 1e6)
        .field("uncertaintyNs", est.uncertaintyNs())
        .field("delayNs", (double) new ClockSync.Exchange(e.t0(), e.t1(), e.t2(), t3).delayNs())
        .build());
    tryPending(false);
    return this;
  }

  // --- per-inference energy -------------------------------------------------------------------------------------

  private Behavior<Command> onAnnotate(Annotate a) {
    InferenceResult r = a.result();
    if (settings.probeAllDevices()) probeDevice(r.deviceId());
    Optional<Meter> meter = r.outcome() == Outcome.OK ? meterOf(r.deviceId()) : Optional.empty();
    if (meter.isEmpty()) {
      sink.write(Measurements.inference(r, a.run(), a.policy()));
      return this;
    }
    probeDevice(r.deviceId());
    String key = "e-" + (++annotateSeq);
    pending.put(key, new Pending(key, a, meter.get().id, nowNs()));
    timers.startSingleTimer(key, new AnnotateDeadline(key), settings.energyWait());
    tryPending(false);
    return this;
  }

  private Behavior<Command> onDeadline(AnnotateDeadline m) {
    Pending p = pending.remove(m.key());
    if (p != null) complete(p, true);
    return this;
  }

  private void tryPending(boolean force) {
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (complete(p, force)) {
        it.remove();
        timers.cancel(p.key());
      }
    }
  }

  /** Computes and records the energy when the meter's samples cover the window (or when forced); returns whether done. */
  private boolean complete(Pending p, boolean force) {
    InferenceResult r = p.annotate().result();
    Meter meter = meters.get(p.meterId());
    Optional<ClockSync.Estimate> deviceClock = sources.containsKey("device:" + r.deviceId())
        ? sources.get("device:" + r.deviceId()).sync.estimate() : Optional.empty();
    Optional<ClockSync.Estimate> meterClock = sources.get("meter:" + p.meterId()).sync.estimate();
    if (deviceClock.isEmpty() || meterClock.isEmpty()) {
      if (!force) return false;
      String missing = deviceClock.isEmpty() ? "device '" + r.deviceId() + "'" : "meter '" + p.meterId() + "'";
      record(p, meter, new MeteredEnergy.Outcome(new EnergyResult(Double.NaN, 0, Double.NaN, EnergyResult.Method.UNAVAILABLE,
          "no clock estimate of " + missing + " yet (no clock echo within " + settings.energyWait().toMillis()
              + " ms): samples and the inference window cannot be aligned"), r.startNs(), r.endNs(), Double.NaN, 0));
      return true;
    }
    long end = deviceClock.get().correct(r.endNs());
    if (!force && (meter.ring.last() == null || meterClock.get().correct(meter.ring.last().timestampNs()) < end)) return false;
    Deque<MeteredEnergy.Window> recent = recentWindows.computeIfAbsent(r.deviceId(), d -> new ArrayDeque<>());
    MeteredEnergy.Outcome o = energy.compute(meter.ring.samples(), meterClock.get(), deviceClock.get(), r.startNs(), r.endNs(),
        List.copyOf(recent), settings.averagingSpan().toNanos(), settings.measureIdle());
    record(p, meter, o);
    if (o.endNs() > o.startNs()) recent.addLast(new MeteredEnergy.Window(o.startNs(), o.endNs()));
    long horizon = o.endNs() - settings.ringHorizon().toNanos();
    while (!recent.isEmpty() && recent.peekFirst().endNs() < horizon) recent.removeFirst();
    return true;
  }

  private void record(Pending p, Meter meter, MeteredEnergy.Outcome o) {
    Annotate a = p.annotate();
    InferenceResult r = a.result();
    EnergyResult e = o.energy();
    boolean known = e.method() != EnergyResult.Method.UNAVAILABLE && Double.isFinite(e.energyJ());
    String source = meter.source == null ? null : meter.source.wireName();
    EnergyView v = new EnergyView(r.correlationId(), r.deviceId(), meter.id, a.run(), r.model(), r.target(), r.startNs(), r.endNs(),
        o.startNs(), o.endNs(), known ? e.energyJ() : null, known && Double.isFinite(e.uncertaintyJ()) ? e.uncertaintyJ() : null,
        e.method().wireName(), source, e.note(), e.samplesInWindow(), o.alignmentUncertaintyNs(), o.idleBaselineW(), r.energyJ());
    meter.energies.addLast(v);
    while (meter.energies.size() > settings.recentEnergies()) meter.energies.removeFirst();
    if (e.method() != EnergyResult.Method.INTEGRATED) {
      ctx.getLog().info("Inference {} on {}: energy {} ({})", r.correlationId(), r.deviceId(), e.method().wireName(), e.note());
    }
    sink.write(inferencePoint(r, a.run(), a.policy(), v));
  }

  /** The {@code inference} point with the meter's energy: energyJ (the meter's), deviceEnergyJ (the device's own). */
  static TelemetryPoint inferencePoint(InferenceResult r, String run, String policy, EnergyView v) {
    TelemetryPoint base = Measurements.inference(r, run, policy);
    Map<String, String> tags = new TreeMap<>(base.tags());
    Map<String, Number> fields = new LinkedHashMap<>(base.fields());
    Map<String, String> text = new LinkedHashMap<>(base.textFields());
    fields.remove("energyJ");
    if (r.energyJ() != null) fields.put("deviceEnergyJ", r.energyJ());
    if (r.energySource() != null) tags.put("deviceEnergySource", r.energySource().wireName());
    if (v.energySource() != null) tags.put("source", v.energySource());
    else tags.remove("source");
    tags.put("meter", v.meterId());
    tags.put("energyMethod", v.energyMethod());
    if (v.energyJ() != null) fields.put("energyJ", v.energyJ());
    if (v.energyUncertaintyJ() != null) fields.put("energyUncertaintyJ", v.energyUncertaintyJ());
    if (Double.isFinite(v.alignmentUncertaintyNs())) fields.put("alignmentUncertaintyNs", v.alignmentUncertaintyNs());
    fields.put("samplesInWindow", (long) v.samplesInWindow());
    fields.put("rawStartNs", v.rawStartNs());
    fields.put("rawEndNs", v.rawEndNs());
    fields.put("startNs", v.startNs());
    fields.put("endNs", v.endNs());
    if (v.idleBaselineW() != 0) fields.put("idleBaselineW", v.idleBaselineW());
    if (!v.note().isEmpty()) text.put("energyNote", v.note());
    return new TelemetryPoint(base.measurement(), tags, fields, text, base.timestampNs());
  }

  // --- views ----------------------------------------------------------------------------------------------------

  private MeterView view(Meter m) {
    Source s = sources.get("meter:" + m.id);
    Optional<ClockSync.Estimate> est = s == null ? Optional.empty() : s.sync.estimate();
    var last = m.ring.last();
    return new MeterView(m.id, m.boundDevice(), m.batchDevice, m.restDevice != null ? "rest" : "batch",
        m.source == null ? null : m.source.wireName(), m.sampleRateHz, m.ring.measuredRateHz(), last,
        last == null || est.isEmpty() ? null : est.get().correct(last.timestampNs()), m.ring.received(), m.ring.size(),
        m.ring.duplicatesDropped(), m.ring.nonMonotonicDropped(), m.ring.duplicatesDropped() + m.ring.nonMonotonicDropped(),
        s == null ? null : clockView(s));
  }

  private static ClockView clockView(Source s) {
    Optional<ClockSync.Estimate> e = s.sync.estimate();
    return e.map(est -> new ClockView(s.kind, s.id, est.refNs(), est.offsetNs(), est.drift() * 1e6, est.uncertaintyNs(),
            est.minDelayNs(), est.samplesUsed(), s.sync.exchanges(), s.probesSent, s.refused))
        .orElse(new ClockView(s.kind, s.id, 0, null, null, null, 0, 0, 0, s.probesSent, s.refused));
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
