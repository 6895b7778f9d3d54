package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.experiments.spec.SpecResolver;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.config.RecSchedDefaults;
import io.testbed.orchestrator.actor.recsched.RecSchedRun;
import io.testbed.orchestrator.actor.calibration.CalibrationRun;
import io.testbed.orchestrator.actor.calibration.CalibrationSubmissions;
import io.testbed.experiments.calibration.CalibrationSpec;
import io.testbed.experiments.calibration.CalibrationSpecParser;
import io.testbed.orchestrator.model.MeterView;
import io.testbed.orchestrator.actor.recsched.RecSchedSubmissions;
import io.testbed.experiments.recsched.RecSchedSpec;
import io.testbed.experiments.recsched.RecSchedSpecParser;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.model.ExperimentView;
import io.testbed.experiments.spec.AutoScaleSpecRules;
import io.testbed.orchestrator.policy.FixedTargetPolicy;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.Hello;
import io.testbed.protocol.SchemaVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Accepts experiments (spec validated: 400 problems; resolved against the devices that said hello: 422 unknowns),
 * queues them, leases their devices (a device is never driven by two experiments at once: a run whose devices are
 * leased waits, status {@code queued}; at most {@code maxRunning} run at once), spawns an {@link ExperimentRun} per
 * started run and keeps every run's status and progress for the REST API and its live subscribers.
 */
public final class ExperimentManager extends AbstractBehavior<ExperimentManager.Command> {

  /** Messages of the experiment manager. */
  public sealed interface Command extends JsonSerializable {}

  /** Submit a spec (JSON text); answers {@link SubmitReply}. */
  public record Submit(String specJson, ActorRef<SubmitReply> replyTo) implements Command {}

  /** Answer to {@link Submit}. */
  public sealed interface SubmitReply extends JsonSerializable {}

  /** Queued (or already running); HTTP 202. */
  public record Accepted(ExperimentView experiment) implements SubmitReply {}

  /** The spec is not valid; HTTP 400 with every problem. */
  public record InvalidSpec(List<SpecProblem> problems) implements SubmitReply {}

  /** The spec names what the fleet does not have; HTTP 422 naming them. */
  public record Unresolvable(List<String> devices, List<String> models, List<String> targets, List<SpecProblem> problems)
      implements SubmitReply {}

  /** The device registry did not answer; HTTP 503. */
  public record Unavailable(String message) implements SubmitReply {}

  public record GetExperiment(String runId, ActorRef<Lookup> replyTo) implements Command {}

  public record ListExperiments(ActorRef<Experiments> replyTo) implements Command {}

  /** Every run, oldest first, without summaries. */
  public record Experiments(List<ExperimentView> experiments) implements JsonSerializable {}

  /** Cancel a queued or running run; answers {@link Lookup} with the run as it is after the request. */
  public record CancelExperiment(String runId, String reason, ActorRef<Lookup> replyTo) implements Command {}

  /**
   * Live updates of a run: {@code subscriber} gets the current view at once, a view per progress report, the final
   * view, then {@link Update#end()}. Answers {@link Lookup} ({@link NotFound}: nothing is sent to the subscriber).
   */
  public record Subscribe(String runId, ActorRef<Update> subscriber, ActorRef<Lookup> replyTo) implements Command {}

  /** One item of a live stream: a view, or the end of the stream ({@code view} null). */
  public record Update(ExperimentView view, boolean end) implements JsonSerializable {}

  /** Answer to lookups. */
  public sealed interface Lookup extends JsonSerializable {}

  public record Found(ExperimentView experiment) implements Lookup {}

  public record NotFound(String runId) implements Lookup {}

  /** Answer to {@link CancelExperiment} for a run that has already ended. */
  public record AlreadyEnded(ExperimentView experiment) implements Lookup {}

  /** From a run: its progress. */
  public record RunProgress(String runId, String phase, int repetition, int repetitions, long queriesDone,
      long queriesFailed, Long queriesTotal, Double etaSeconds) implements Command {}

  /** From a run: it is over (bundle written unless {@code bundleDir} is null). */
  public record RunEnded(String runId, ExperimentStatus status, String verdict, String bundleDir, String error,
      JsonNode summary) implements Command {}

  private record DevicesForSubmit(Submit submit, ExperimentSpec spec, List<DeviceView> devices, String failure)
      implements Command {}

  private record RunStopped(String runId) implements Command {}

  /** recsched submission: the registry's devices (spec kept as JSON text). */
  private record RecDevicesForSubmit(Submit submit, String specJson, List<DeviceView> devices, String failure)
      implements Command {}

  private record SubscriberGone(String runId, ActorRef<Update> subscriber) implements Command {}

  /** calibration submission: the registry's devices. */
  private record CalDevicesForSubmit(Submit submit, CalibrationSpec spec, List<DeviceView> devices, String failure)
      implements Command {}

  /** calibration submission: the devices, then the power keeper's meters. */
  private record CalMetersForSubmit(Submit submit, CalibrationSpec spec, List<Hello> catalogue, List<MeterView> meters,
      String failure) implements Command {}

  /** Spawns the run actor; tests replace it. */
  @FunctionalInterface
  public interface RunFactory {
    Behavior<ExperimentRun.Command> create(ExperimentRun.Setup setup, ActorRef<Command> manager);

    /** A {@code calibration} run; null: this factory has none (such specs are answered {@link Unavailable}). */
    default Behavior<CalibrationRun.Command> createCalibration(CalibrationRun.Setup setup, ActorRef<Command> manager) {
      return null;
    }
  }

  /** The production run factory: real {@link ExperimentRun}s and {@link CalibrationRun}s on the given blocking executor. */
  public static RunFactory runs(ActorRef<DeviceRegistry.Command> registry, TelemetrySink sink, Clock clock, Executor blocking) {
    return new RunFactory() {
      @Override
      public Behavior<ExperimentRun.Command> create(ExperimentRun.Setup setup, ActorRef<Command> manager) {
        return ExperimentRun.create(setup, registry, manager, sink, clock, blocking);
      }

      @Override
      public Behavior<CalibrationRun.Command> createCalibration(CalibrationRun.Setup setup, ActorRef<Command> manager) {
        return CalibrationRun.create(setup, registry, manager, sink, clock, blocking);
      }
    };
  }

  public static Behavior<Command> create(ActorRef<DeviceRegistry.Command> registry, RunFactory runs, Clock clock,
      RandomGenerator random, OrchestratorSettings settings) {
    return create(registry, runs, null, clock, random, settings);
  }

  /** Spawns {@code recsched} runs (DeepRecSched against recommendation servers); tests replace it. */
  @FunctionalInterface
  public interface RecRunFactory {
    Behavior<RecSchedRun.Command> create(RecSchedRun.Setup setup, ActorRef<Command> manager);
  }

  /** The production recsched run factory: real {@link RecSchedRun}s through {@code port}. */
  public static RecRunFactory recRuns(io.testbed.orchestrator.port.RecServerPort port, TelemetrySink sink, Clock clock) {
    return (setup, manager) -> RecSchedRun.create(setup, manager, port, sink, clock, System::nanoTime);
  }

  /** With {@code recRuns} null, {@code recsched} specs are answered {@link Unavailable}. */
  public static Behavior<Command> create(ActorRef<DeviceRegistry.Command> registry, RunFactory runs, RecRunFactory recRuns,
      Clock clock, RandomGenerator random, OrchestratorSettings settings) {
    return Behaviors.setup(ctx -> {
      ExperimentManager m = new ExperimentManager(ctx, registry, runs, clock, random, settings);
      m.recRuns = recRuns;
      return m;
    });
  }

  private static final class Run {
    final String runId;
    final ExperimentPlan plan;
    final List<Hello> hellos;
    final List<String> driven;
    final List<String> leased;
    final Map<String, String> offloadUrls;
    final long submittedNs;
    final Set<ActorRef<Update>> subscribers = new LinkedHashSet<>();
    ExperimentStatus status = ExperimentStatus.QUEUED;
    String phase = "queued";
    int repetition;
    long queriesDone;
    long queriesFailed;
    Long queriesTotal;
    Double etaSeconds;
    List<String> waitingFor = List.of();
    String verdict;
    String error;
    Long startedNs;
    Long finishedNs;
    String bundle;
    JsonNode summary;
    ActorRef<ExperimentRun.Command> actor;
    RecSchedDefaults.Resolved rec;
    ActorRef<RecSchedRun.Command> recActor;
    int recSteps;
    CalibrationSpec cal;
    String calSpecJson;
    String calMeter;
    ActorRef<CalibrationRun.Command> calActor;

    Run(String runId, ExperimentPlan plan, List<Hello> hellos, List<String> driven, List<String> leased,
        Map<String, String> offloadUrls, long submittedNs) {
      this.runId = runId;
      this.plan = plan;
      this.hellos = hellos;
      this.driven = driven;
      this.leased = leased;
      this.offloadUrls = offloadUrls;
      this.submittedNs = submittedNs;
    }

    ExperimentView view(boolean withSummary) {
      if (cal != null) {
        return new ExperimentView(runId, cal.name(), status, phase, CalibrationSpec.TYPE, "duty-cycle", repetition,
            cal.steps().size(), queriesDone, queriesFailed, queriesTotal, etaSeconds, leased,
            status == ExperimentStatus.QUEUED ? waitingFor : List.of(), verdict, error, submittedNs, startedNs, finishedNs,
            bundle, withSummary ? summary : null);
      }
      if (rec != null) {
        return new ExperimentView(runId, rec.spec().name(), status, phase, RecSchedSpec.TYPE, String.join(",", rec.policies()),
            repetition, recSteps, queriesDone, queriesFailed, queriesTotal, etaSeconds, leased,
            status == ExperimentStatus.QUEUED ? waitingFor : List.of(), verdict, error, submittedNs, startedNs, finishedNs,
            bundle, withSummary ? summary : null);
      }
      ExperimentSpec spec = plan.spec();
      return new ExperimentView(runId, spec.name(), status, phase, spec.scenario().kind().mlperfName(),
          spec.policy().kind(), repetition, plan.repetitions().size(), queriesDone, queriesFailed, queriesTotal,
          etaSeconds, leased, status == ExperimentStatus.QUEUED ? waitingFor : List.of(), verdict, error, submittedNs,
          startedNs, finishedNs, bundle, withSummary ? summary : null);
    }
  }

  private final ActorRef<DeviceRegistry.Command> registry;
  private final RunFactory runs;
  private final Clock clock;
  private final RandomGenerator random;
  private final OrchestratorSettings settings;
  private final Map<String, Run> all = new LinkedHashMap<>();
  private final Map<String, String> leases = new HashMap<>();
  private int running;
  private RecRunFactory recRuns;
  private RecSchedDefaults recDefaults;

  private ExperimentManager(ActorContext<Command> ctx, ActorRef<DeviceRegistry.Command> registry, RunFactory runs,
      Clock clock, RandomGenerator random, OrchestratorSettings settings) {
    super(ctx);
    this.registry = registry;
    this.runs = runs;
    this.clock = clock;
    this.random = random;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(DevicesForSubmit.class, this::onDevicesForSubmit)
        .onMessage(RecDevicesForSubmit.class, this::onRecDevicesForSubmit)
        .onMessage(CalDevicesForSubmit.class, this::onCalDevicesForSubmit)
        .onMessage(CalMetersForSubmit.class, this::onCalMetersForSubmit)
        .onMessage(GetExperiment.class, this::onGet)
        .onMessage(ListExperiments.class, this::onList)
        .onMessage(CancelExperiment.class, this::onCancel)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(RunProgress.class, this::onRunProgress)
        .onMessage(RunEnded.class, this::onRunEnded)
        .onMessage(RunStopped.class, this::onRunStopped)
        .onMessage(SubscriberGone.class, this::onSubscriberGone)
        .build();
  }

  private Behavior<Command> onSubmit(Submit m) {
    if (RecSchedSpecParser.isRecSched(m.specJson())) return onSubmitRecSched(m);
    if (CalibrationSpecParser.isCalibration(m.specJson())) return onSubmitCalibration(m);
    var parsed = SpecJson.parse(m.specJson());
    if (!parsed.ok()) {
      m.replyTo().tell(new InvalidSpec(parsed.problems()));
      return this;
    }
    getContext().ask(DeviceRegistry.Devices.class, registry, settings.askTimeout(), DeviceRegistry.GetDevices::new,
        (devices, ex) -> devices != null ? new DevicesForSubmit(m, parsed.spec(), devices.devices(), null)
            : new DevicesForSubmit(m, parsed.spec(), null, "device registry did not answer: " + ex.getMessage()));
    return this;
  }

  private Behavior<Command> onDevicesForSubmit(DevicesForSubmit m) {
    ActorRef<SubmitReply> replyTo = m.submit().replyTo();
    if (m.devices() == null) {
      replyTo.tell(new Unavailable(m.failure()));
      return this;
    }
    List<Hello> catalogue = m.devices().stream().filter(DeviceView::capabilitiesKnown).map(this::hello).toList();
    SpecResolver.Resolution res = SpecResolver.resolve(m.spec(), catalogue);
    if (!res.ok()) {
      replyTo.tell(new Unresolvable(res.unknownDevices(), res.unknownModels(), res.unknownTargets(), res.problems()));
      return this;
    }
    ExperimentPlan plan = ExperimentPlan.of(m.spec());
    List<String> driven = AutoScaleSpecRules.autoscale(m.spec())
        ? res.devices().stream().filter(h -> !isPeer(h)).map(Hello::deviceId).toList()
        : res.devices().stream().map(Hello::deviceId).toList();
    List<String> leased = new ArrayList<>(driven);
    List<Hello> hellos = new ArrayList<>(res.devices());
    Map<String, String> offloadUrls = new LinkedHashMap<>();
    if (AutoScaleSpecRules.autoscale(m.spec())) {
      // AutoScale: the spec's edge/cloud devices with an endpoint are the offload peers of the devices it drives.
      res.devices().stream().filter(ExperimentManager::isPeer).forEach(h -> offloadUrls.put(h.deviceId(), h.endpoint()));
    }
    if (res.offloadPeer() != null) {
      offloadUrls.put(res.offloadPeer().deviceId(), res.offloadPeer().endpoint());
      if (!leased.contains(res.offloadPeer().deviceId())) {
        leased.add(res.offloadPeer().deviceId());
        hellos.add(res.offloadPeer());
      }
    }
    String runId;
    do {
      runId = ResultBundle.runId(plan.spec().name(), clock.instant(), random);
    } while (all.containsKey(runId));
    Run run = new Run(runId, plan, hellos, driven, List.copyOf(leased), offloadUrls, nowNs());
    all.put(runId, run);
    getContext().getLog().info("Experiment {} queued: {} on {}", runId, plan.spec().scenario().kind().mlperfName(), leased);
    startWhatCan();
    replyTo.tell(new Accepted(run.view(false)));
    return this;
  }

  private Behavior<Command> onSubmitRecSched(Submit m) {
    var parsed = RecSchedSpecParser.parse(m.specJson());
    if (!parsed.ok()) {
      m.replyTo().tell(new InvalidSpec(parsed.problems()));
      return this;
    }
    if (recRuns == null) {
      m.replyTo().tell(new Unavailable("recsched experiments are not wired in this orchestrator"));
      return this;
    }
    getContext().ask(DeviceRegistry.Devices.class, registry, settings.askTimeout(), DeviceRegistry.GetDevices::new,
        (devices, ex) -> devices != null ? new RecDevicesForSubmit(m, m.specJson(), devices.devices(), null)
            : new RecDevicesForSubmit(m, m.specJson(), null, "device registry did not answer: " + ex.getMessage()));
    return this;
  }

  private Behavior<Command> onRecDevicesForSubmit(RecDevicesForSubmit m) {
    ActorRef<SubmitReply> replyTo = m.submit().replyTo();
    if (m.devices() == null) {
      replyTo.tell(new Unavailable(m.failure()));
      return this;
    }
    RecSchedSpec spec = RecSchedSpecParser.parse(m.specJson()).spec();
    List<Hello> catalogue = m.devices().stream().filter(DeviceView::capabilitiesKnown).map(this::hello).toList();
    RecSchedSubmissions.Resolution res = RecSchedSubmissions.resolve(spec, catalogue);
    if (!res.ok()) {
      replyTo.tell(new Unresolvable(res.unknownDevices(), res.unknownModels(), List.of(), res.problems()));
      return this;
    }
    if (recDefaults == null) {
      recDefaults = RecSchedDefaults.fromConfig(getContext().getSystem().settings().config()
          .withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
    }
    RecSchedDefaults.Resolution plan = recDefaults.resolve(spec, settings.experimentsDir().getParent() == null
        ? Path.of(".") : settings.experimentsDir().getParent());
    if (plan.plan() == null) {
      replyTo.tell(new InvalidSpec(plan.problems()));
      return this;
    }
    List<String> servers = res.servers().stream().map(Hello::deviceId).toList();
    String runId;
    do {
      runId = ResultBundle.runId(spec.name(), clock.instant(), random);
    } while (all.containsKey(runId));
    Run run = new Run(runId, null, res.servers(), servers, servers, Map.of(), nowNs());
    run.rec = plan.plan();
    all.put(runId, run);
    getContext().getLog().info("Experiment {} queued: recsched on {}", runId, servers);
    startWhatCan();
    replyTo.tell(new Accepted(run.view(false)));
    return this;
  }

  private Behavior<Command> onSubmitCalibration(Submit m) {
    var parsed = CalibrationSpecParser.parse(m.specJson());
    if (!parsed.ok()) {
      m.replyTo().tell(new InvalidSpec(parsed.problems()));
      return this;
    }
    getContext().ask(DeviceRegistry.Devices.class, registry, settings.askTimeout(), DeviceRegistry.GetDevices::new,
        (devices, ex) -> devices != null ? new CalDevicesForSubmit(m, parsed.spec(), devices.devices(), null)
            : new CalDevicesForSubmit(m, parsed.spec(), null, "device registry did not answer: " + ex.getMessage()));
    return this;
  }

  private Behavior<Command> onCalDevicesForSubmit(CalDevicesForSubmit m) {
    if (m.devices() == null) {
      m.submit().replyTo().tell(new Unavailable(m.failure()));
      return this;
    }
    List<Hello> catalogue = m.devices().stream().filter(DeviceView::capabilitiesKnown).map(this::hello).toList();
    getContext().ask(PowerKeeper.Meters.class, registry, settings.askTimeout(),
        r -> new DeviceRegistry.ToPower(new PowerKeeper.ListMeters(r)),
        (meters, ex) -> meters != null ? new CalMetersForSubmit(m.submit(), m.spec(), catalogue, meters.meters(), null)
            : new CalMetersForSubmit(m.submit(), m.spec(), catalogue, null, "power keeper did not answer: " + ex.getMessage()));
    return this;
  }

  private Behavior<Command> onCalMetersForSubmit(CalMetersForSubmit m) {
    ActorRef<SubmitReply> replyTo = m.submit().replyTo();
    if (m.meters() == null) {
      replyTo.tell(new Unavailable(m.failure()));
      return this;
    }
    CalibrationSubmissions.Resolution res = CalibrationSubmissions.resolve(m.spec(), m.catalogue(), m.meters());
    if (!res.ok()) {
      replyTo.tell(new Unresolvable(res.unknownDevices(), res.unknownModels(), res.unknownTargets(), res.problems()));
      return this;
    }
    String runId;
    do {
      runId = ResultBundle.runId(m.spec().name(), clock.instant(), random);
    } while (all.containsKey(runId));
    List<String> devices = List.of(res.device().deviceId());
    Run run = new Run(runId, null, List.of(res.device()), devices, devices, Map.of(), nowNs());
    run.cal = m.spec();
    run.calSpecJson = m.submit().specJson();
    run.calMeter = res.meterId();
    all.put(runId, run);
    getContext().getLog().info("Experiment {} queued: calibration of {} against meter {}", runId, devices, res.meterId());
    startWhatCan();
    replyTo.tell(new Accepted(run.view(false)));
    return this;
  }

  private Behavior<Command> onGet(GetExperiment m) {
    Run run = all.get(m.runId());
    m.replyTo().tell(run == null ? new NotFound(m.runId()) : new Found(run.view(true)));
    return this;
  }

  private Behavior<Command> onList(ListExperiments m) {
    m.replyTo().tell(new Experiments(all.values().stream().map(r -> r.view(false)).toList()));
    return this;
  }

  private Behavior<Command> onCancel(CancelExperiment m) {
    Run run = all.get(m.runId());
    if (run == null) {
      m.replyTo().tell(new NotFound(m.runId()));
      return this;
    }
    String reason = m.reason() == null || m.reason().isBlank() ? "cancelled by request" : m.reason();
    if (run.status.finished()) {
      m.replyTo().tell(new AlreadyEnded(run.view(false)));
      return this;
    }
    if (run.status == ExperimentStatus.QUEUED) {
      run.status = ExperimentStatus.CANCELLED;
      run.phase = "done";
      run.error = "cancelled: " + reason;
      run.finishedNs = nowNs();
      getContext().getLog().info("Experiment {} cancelled while queued: {}", run.runId, reason);
      publish(run, true);
    } else if (run.status == ExperimentStatus.RUNNING && run.calActor != null) {
      run.phase = "cancelling";
      run.calActor.tell(new CalibrationRun.Cancel(reason));
      publish(run, false);
    } else if (run.status == ExperimentStatus.RUNNING && run.recActor != null) {
      run.phase = "cancelling";
      run.recActor.tell(new RecSchedRun.Cancel(reason));
      publish(run, false);
    } else if (run.status == ExperimentStatus.RUNNING && run.actor != null) {
      run.phase = "cancelling";
      run.actor.tell(new ExperimentRun.Cancel(reason));
      publish(run, false);
    }
    m.replyTo().tell(new Found(run.view(false)));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe m) {
    Run run = all.get(m.runId());
    if (run == null) {
      m.replyTo().tell(new NotFound(m.runId()));
      return this;
    }
    m.replyTo().tell(new Found(run.view(false)));
    m.subscriber().tell(new Update(run.view(false), false));
    if (run.status.finished()) {
      m.subscriber().tell(new Update(null, true));
    } else {
      run.subscribers.add(m.subscriber());
      getContext().watchWith(m.subscriber(), new SubscriberGone(run.runId, m.subscriber()));
    }
    return this;
  }

  private Behavior<Command> onRunProgress(RunProgress m) {
    Run run = all.get(m.runId());
    if (run == null || run.status.finished()) return this;
    if (!"cancelling".equals(run.phase) || "done".equals(m.phase())) run.phase = m.phase();
    run.repetition = m.repetition();
    if (run.rec != null) run.recSteps = m.repetitions();
    run.queriesDone = m.queriesDone();
    run.queriesFailed = m.queriesFailed();
    run.queriesTotal = m.queriesTotal();
    run.etaSeconds = m.etaSeconds();
    publish(run, false);
    return this;
  }

  private Behavior<Command> onRunEnded(RunEnded m) {
    Run run = all.get(m.runId());
    if (run == null || run.status.finished()) return this;
    run.status = m.status();
    run.phase = "done";
    run.verdict = m.verdict();
    run.bundle = m.bundleDir();
    run.error = m.error();
    run.summary = m.summary();
    run.etaSeconds = 0.0;
    finish(run);
    return this;
  }

  private Behavior<Command> onRunStopped(RunStopped m) {
    Run run = all.get(m.runId());
    if (run != null && !run.status.finished()) {
      run.status = ExperimentStatus.FAILED;
      run.phase = "done";
      run.error = "the run's actor stopped unexpectedly";
      getContext().getLog().error("Experiment {}: run actor stopped before reporting its end", m.runId());
      finish(run);
    }
    return this;
  }

  private Behavior<Command> onSubscriberGone(SubscriberGone m) {
    Run run = all.get(m.runId());
    if (run != null) run.subscribers.remove(m.subscriber());
    return this;
  }

  private void finish(Run run) {
    run.finishedNs = nowNs();
    running--;
    for (String d : run.leased) {
      if (run.runId.equals(leases.get(d))) {
        leases.remove(d);
        DeviceRegistry.twin(registry, d).tell(new DeviceTwin.Release(run.runId));
      }
    }
    publish(run, true);
    startWhatCan();
  }

  /** Starts queued runs, oldest first, whose devices are all free, while fewer than maxRunning run. */
  private void startWhatCan() {
    for (Run run : all.values()) {
      if (run.status != ExperimentStatus.QUEUED) continue;
      List<String> busy = run.leased.stream().filter(leases::containsKey).toList();
      if (!busy.isEmpty() || running >= settings.experiments().maxRunning()) {
        List<String> waiting = busy.isEmpty() ? List.of("a free runner (" + running + " running)") : busy;
        if (!waiting.equals(run.waitingFor)) {
          run.waitingFor = waiting;
          publish(run, false);
        }
        continue;
      }
      start(run);
    }
  }

  private void start(Run run) {
    for (String d : run.leased) {
      leases.put(d, run.runId);
      DeviceRegistry.twin(registry, d).tell(new DeviceTwin.Lease(run.runId));
    }
    running++;
    run.status = ExperimentStatus.RUNNING;
    run.phase = "starting";
    run.waitingFor = List.of();
    run.startedNs = nowNs();
    if (run.cal != null) {
      java.time.Duration coverWait = getContext().getSystem().settings().config()
          .withFallback(com.typesafe.config.ConfigFactory.defaultReference())
          .getDuration("testbed.orchestrator.calibration.cover-wait");
      CalibrationRun.Setup cs = new CalibrationRun.Setup(run.runId, run.cal, run.calSpecJson, run.hellos.get(0), run.calMeter,
          settings.experimentsDir(), settings.experiments().progressInterval(), settings.askTimeout(),
          settings.job().replyGrace(), coverWait);
      Behavior<CalibrationRun.Command> behavior = runs.createCalibration(cs, getContext().getSelf());
      if (behavior == null) {
        run.status = ExperimentStatus.FAILED;
        run.error = "calibration experiments are not wired in this orchestrator";
        run.phase = "done";
        finish(run);
        return;
      }
      run.calActor = getContext().spawn(behavior, "run-" + run.runId);
      getContext().watchWith(run.calActor, new RunStopped(run.runId));
      publish(run, false);
      return;
    }
    if (run.rec != null) {
      List<String> endpoints = run.hellos.stream().map(Hello::endpoint).toList();
      RecSchedRun.Setup rs = new RecSchedRun.Setup(run.runId, run.rec, run.driven, endpoints, run.hellos,
          settings.experimentsDir(), settings.experiments().progressInterval());
      run.recActor = getContext().spawn(recRuns.create(rs, getContext().getSelf()), "run-" + run.runId);
      getContext().watchWith(run.recActor, new RunStopped(run.runId));
      publish(run, false);
      return;
    }
    ExperimentSpec spec = run.plan.spec();
    TargetPolicy policy = AutoScaleSpecRules.autoscale(spec)
        ? AutoScaleComparison.placeholder(spec.policy().kind()) // the run builds each compared policy itself
        : new FixedTargetPolicy(run.driven, spec.models(), spec.policy().target(), spec.policy().offloadTo());
    Path root = settings.experimentsDir();
    ExperimentRun.Setup setup = new ExperimentRun.Setup(run.runId, run.plan, run.hellos, run.driven, run.offloadUrls,
        policy, root, settings.experiments().progressInterval(), settings.askTimeout(), settings.job().replyGrace());
    run.actor = getContext().spawn(runs.create(setup, getContext().getSelf()), "run-" + run.runId);
    getContext().watchWith(run.actor, new RunStopped(run.runId));
    publish(run, false);
  }

  private void publish(Run run, boolean end) {
    if (run.subscribers.isEmpty()) return;
    Update update = new Update(run.view(false), false);
    for (ActorRef<Update> s : run.subscribers) {
      s.tell(update);
      if (end) s.tell(new Update(null, true));
    }
    if (end) {
      run.subscribers.forEach(s -> getContext().unwatch(s));
      run.subscribers.clear();
    }
  }

  private static boolean isPeer(Hello h) {
    return (h.kind() == io.testbed.protocol.DeviceKind.EDGE || h.kind() == io.testbed.protocol.DeviceKind.CLOUD)
        && h.endpoint() != null && !h.endpoint().isBlank();
  }

  /** The catalogue entry of a device that said hello, rebuilt from its twin's view (capabilities, software, notes). */
  private Hello hello(DeviceView d) {
    return new Hello(SchemaVersion.CURRENT, d.id(), nowNs(), d.kind(), d.profile(), d.emulated(), d.targets(), d.models(),
        d.sensors(), d.software(), d.endpoint(), d.notes());
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
