package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.bundle.QueryCsv;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.spec.AutoScaleSpecRules;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.TimelineControls;
import io.testbed.experiments.spec.TimelineEvent;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.orchestrator.policy.autoscale.AccuracyMask;
import io.testbed.orchestrator.policy.autoscale.Action;
import io.testbed.orchestrator.policy.autoscale.ActionSpace;
import io.testbed.orchestrator.policy.autoscale.AutoScaleSettings;
import io.testbed.orchestrator.policy.autoscale.AutoScaleTargetPolicy;
import io.testbed.orchestrator.policy.autoscale.BestStatic;
import io.testbed.orchestrator.policy.autoscale.ConvergenceCriterion;
import io.testbed.orchestrator.policy.autoscale.Observation;
import io.testbed.orchestrator.policy.autoscale.Oracle;
import io.testbed.orchestrator.policy.autoscale.PolicyReport;
import io.testbed.orchestrator.policy.autoscale.Profile;
import io.testbed.orchestrator.policy.autoscale.QTableJson;
import io.testbed.orchestrator.policy.autoscale.RequestOutcome;
import io.testbed.orchestrator.policy.autoscale.RequestRecord;
import io.testbed.orchestrator.policy.autoscale.Reward;
import io.testbed.orchestrator.policy.autoscale.StateDiscretiser;
import io.testbed.orchestrator.policy.autoscale.StaticPolicy;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.store.FileQTableStore;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AutoScale experiment (spec type {@code autoscale}, or one AutoScale/baseline policy): profiles every action at
 * every condition level the timeline commands (applied through the {@link TimelineInjector}, {@code profileRequests}
 * requests per action), then runs the same request trace and timeline (every seeded repetition) once per policy
 * (AutoScale, CPU/GPU/DSP/edge/cloud-only, best static, oracle), records each request with the oracle's view, writes a
 * {@code decision} point per request, and writes the comparison ({@code autoscale-report.txt}/{@code .json}, plots,
 * per-policy queries) into the bundle. Blocking; runs on the experiments dispatcher.
 */
final class AutoScaleComparison {
  private static final Logger LOG = LoggerFactory.getLogger(AutoScaleComparison.class);
  static final String DECISION = "decision";

  /** Runs every repetition of the plan with one policy (the engine's runner) and returns its bundle contents. */
  @FunctionalInterface
  interface PolicyRun {
    BundleContents run(TargetPolicy policy) throws InterruptedException;
  }

  /** A change of the commanded condition at {@code atMs} after the start of a repetition. */
  record TimedCondition(long atMs, Observation.Condition condition) {}

  private final ExperimentRun.Setup setup;
  private final ActorRef<DeviceRegistry.Command> registry;
  private final TelemetrySink sink;
  private final Clock clock;
  private final Scheduler scheduler;
  private final TimelineInjector injector;
  private final ExperimentSpec spec;
  private final JsonNode params;
  private final Map<String, List<RequestRecord>> records = new LinkedHashMap<>();
  private final Map<String, BundleContents> contents = new LinkedHashMap<>();
  private final Map<String, List<String[]>> decisionRows = new LinkedHashMap<>();
  private final Map<String, List<Observation.Condition>> recordConditions = new LinkedHashMap<>();
  private final Map<String, Profile> profiles = new LinkedHashMap<>();
  private final Map<String, Oracle> oracles = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private volatile boolean cancelled;
  private AutoScaleSettings settings;
  private List<TimedCondition> timeline = List.of();
  private String deviceId;
  private Map<String, ActionSpace> spaces = Map.of();

  AutoScaleComparison(ExperimentRun.Setup setup, ActorRef<DeviceRegistry.Command> registry, TelemetrySink sink,
      Clock clock, Scheduler scheduler, TimelineInjector injector) {
    this.setup = setup;
    this.registry = registry;
    this.sink = sink;
    this.clock = clock;
    this.scheduler = scheduler;
    this.injector = injector;
    this.spec = setup.plan().spec();
    this.params = spec.policy().params() == null ? SpecJson.mapper().createObjectNode() : spec.policy().params();
  }

  /** {@code policy.params.controlTimeoutMs}, default 5 s: how long a control command may wait for its ack. */
  static Duration controlTimeout(ExperimentSpec spec) {
    JsonNode p = spec.policy() == null ? null : spec.policy().params();
    return Duration.ofMillis(p == null ? 5000 : p.path("controlTimeoutMs").asLong(5000));
  }

  /** The QoS latency: {@code qos.latencyMs}, else 33 ms for the streaming variant (Server), else 50 ms. */
  static double qosMs(ExperimentSpec spec) {
    if (spec.qos() != null && spec.qos().latencyMs() != null) return spec.qos().latencyMs();
    return spec.scenario().kind() == Scenario.SERVER ? 33 : 50;
  }

  /** AutoScale's settings with the spec's {@code policy.params} and QoS applied. */
  static AutoScaleSettings settings(ExperimentSpec spec) {
    JsonNode p = spec.policy().params() == null ? SpecJson.mapper().createObjectNode() : spec.policy().params();
    AutoScaleSettings d = AutoScaleSettings.defaults();
    if (p.has("rssiWeakDbm")) {
      AutoScaleSettings.StateBins b = d.bins();
      d = new AutoScaleSettings(new AutoScaleSettings.StateBins(b.convLayers(), b.fcLayers(), b.recurrentLayers(),
          b.macs(), b.coRunnerCpu(), b.memoryPressure(),
          io.testbed.orchestrator.policy.autoscale.Bins.of(p.get("rssiWeakDbm").asDouble()).labelled("weak", "regular")),
          d.learning(), d.objective());
    }
    AutoScaleSettings.Learning l = d.learning();
    AutoScaleSettings.Objective o = d.objective();
    return d.withLearning(new AutoScaleSettings.Learning(p.path("alpha").asDouble(l.alpha()),
            p.path("gamma").asDouble(l.gamma()), p.path("epsilon").asDouble(l.epsilon()),
            p.path("epsilonDecay").asDouble(l.epsilonDecay()), p.path("epsilonMin").asDouble(l.epsilonMin()),
            p.path("initialQ").asDouble(l.initialQ())))
        .withObjective(new AutoScaleSettings.Objective(qosMs(spec),
            p.path("accuracyTarget").asDouble(spec.qos() != null && spec.qos().accuracy() != null ? spec.qos().accuracy() : o.accuracyTarget()),
            p.path("violationPenalty").asDouble(o.violationPenalty()), p.path("failurePenalty").asDouble(o.failurePenalty()),
            p.path("maskAccuracyViolations").asBoolean(o.maskAccuracyViolations())));
  }

  /** The policy an AutoScale run is set up with: names it; the run replaces it by each compared policy. */
  static TargetPolicy placeholder(String kind) {
    return new TargetPolicy() {
      @Override
      public String name() {
        return kind;
      }

      @Override
      public Decision choose(QueryContext query, FleetState fleet) {
        throw new IllegalStateException("the " + kind + " run places queries through its compared policies");
      }
    };
  }

  void cancel() {
    cancelled = true;
  }

  /** Profiles, then runs each policy; returns the bundle contents of AutoScale (else of the first policy run). */
  BundleContents run(PolicyRun run, Consumer<String> phase) throws InterruptedException {
    if (setup.devices().size() != 1) {
      throw new IllegalStateException("an autoscale run drives exactly one device (with its edge/cloud peers), not "
          + setup.devices());
    }
    deviceId = setup.devices().get(0);
    Hello device = setup.hellos().stream().filter(h -> h.deviceId().equals(deviceId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no hello of " + deviceId));
    List<Hello> peers = setup.hellos().stream().filter(h -> setup.offloadUrls().containsKey(h.deviceId())).toList();
    settings = settings(spec);
    Map<Precision, Double> precisionAccuracy = new LinkedHashMap<>();
    if (params.has("fp32Accuracy")) precisionAccuracy.put(Precision.FP32, params.get("fp32Accuracy").asDouble());
    if (params.has("int8Accuracy")) precisionAccuracy.put(Precision.INT8, params.get("int8Accuracy").asDouble());
    AccuracyMask mask = precisionAccuracy.isEmpty() ? AccuracyMask.none()
        : AccuracyMask.byPrecision(precisionAccuracy, settings.objective().accuracyTarget());
    Map<String, ActionSpace> spaces = new LinkedHashMap<>();
    for (String model : spec.models()) spaces.put(model, ActionSpace.from(device, peers, model, mask));
    this.spaces = spaces;
    List<String> links = peers.stream().map(Hello::deviceId).sorted().toList();
    timeline = conditions(spec, deviceId, links, setup.plan().seeds().get(0));

    phase.accept("profiling");
    profile(spaces, precisionAccuracy);
    for (String model : spec.models()) oracles.put(model, new Oracle(profiles.get(model), settings.objective()));

    BundleContents primary = null;
    for (String name : AutoScaleSpecRules.policies(spec)) {
      if (cancelled) break;
      TargetPolicy policy = policy(name, device, peers, spaces, precisionAccuracy, mask);
      if (policy == null) continue;
      phase.accept("running " + name);
      LOG.info("run {}: policy {}", setup.runId(), name);
      records.put(name, new ArrayList<>());
      decisionRows.put(name, new ArrayList<>());
      recordConditions.put(name, new ArrayList<>());
      applyCondition(timeline.get(0).condition());
      BundleContents c = run.run(policy);
      if (policy instanceof Recording r && r.inner instanceof AutoScaleTargetPolicy a) {
        a.finish();
        notes.addAll(a.notes());
      }
      contents.put(name, c);
      if (primary == null || name.equals("autoscale")) primary = c;
    }
    if (primary == null) throw new IllegalStateException("no policy ran" + (notes.isEmpty() ? "" : ": " + notes));
    phase.accept("writing-bundle");
    return primary;
  }

  // --- profile ------------------------------------------------------------------------------------------------

  private void profile(Map<String, ActionSpace> spaces, Map<Precision, Double> precisionAccuracy)
      throws InterruptedException {
    int k = params.path("profileRequests").asInt(3);
    long settleMs = params.path("settleMs").asLong(300);
    long timeoutMs = Math.max(1, setup.plan().repetitions().get(0).settings().queryTimeoutNs() / 1_000_000L);
    TwinRef twin = DeviceRegistry.twin(registry, deviceId);
    Map<String, Map<Observation.Condition, Map<String, Profile.Expectation>>> entries = new LinkedHashMap<>();
    for (String model : spaces.keySet()) entries.put(model, new LinkedHashMap<>());
    long seed = 0;
    for (Observation.Condition c : distinct(timeline)) {
      if (cancelled) throw new IllegalStateException("cancelled while profiling");
      applyCondition(c);
      Thread.sleep(settleMs);
      for (Map.Entry<String, ActionSpace> e : spaces.entrySet()) {
        Map<String, Profile.Expectation> byAction = new LinkedHashMap<>();
        for (Action a : e.getValue().actions()) {
          double lat = 0, energy = 0, acc = 0;
          int accN = 0;
          for (int i = 0; i < k; i++) {
            long t0 = System.nanoTime();
            DeviceTwin.InferenceRequest req = new DeviceTwin.InferenceRequest(e.getKey(), a.commandTarget(),
                a.precision(), 1, seed++, a.dvfsLevelMHz(), a.offloadTo(),
                a.offloadTo() == null ? null : setup.offloadUrls().get(a.offloadTo()), timeoutMs);
            InferenceResult r;
            try {
              r = twin.runInference(req, setup.runId(), "profile", Duration.ofMillis(timeoutMs).plus(setup.replyGrace())
                  .plus(setup.askTimeout()), scheduler).toCompletableFuture().get().result();
            } catch (java.util.concurrent.ExecutionException ex) {
              r = null;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            boolean ok = r != null && r.outcome() == Outcome.OK;
            lat += ok ? ms : Math.max(ms, timeoutMs);
            energy += r == null || r.energyJ() == null ? 0 : r.energyJ();
            Double agreement = r == null || r.metrics() == null ? null : r.metrics().get("agreement");
            if (agreement != null) {
              acc += agreement;
              accN++;
            }
          }
          double accuracy = accN > 0 ? acc / accN : precisionAccuracy.getOrDefault(a.precision(), Double.NaN);
          byAction.put(a.id(), new Profile.Expectation(lat / k, energy / k, accuracy));
        }
        entries.get(e.getKey()).put(c, byAction);
      }
      LOG.info("run {}: profiled {}", setup.runId(), c.name());
    }
    for (Map.Entry<String, ActionSpace> e : spaces.entrySet()) {
      profiles.put(e.getKey(), new Profile(e.getKey(), e.getValue().ids(), entries.get(e.getKey())));
    }
  }

  private void applyCondition(Observation.Condition c) {
    injector.send(deviceId, ControlRequest.interference(c.coRunnerCpu(), c.memoryPressure()));
    new TreeMap<>(c.linkRssiDbm()).forEach((link, rssi) ->
        injector.send(deviceId, ControlRequest.network(link, null, rssi, null, null, null, null)));
  }

  /** The commanded conditions of {@code device} over a repetition, from the timeline (schedules expanded). */
  static List<TimedCondition> conditions(ExperimentSpec spec, String device, List<String> links, long seed) {
    record Change(long atMs, int order, String kind, double cpu, double mem, String link, Double rssi) {}
    List<Change> changes = new ArrayList<>();
    int order = 0;
    for (TimelineEvent e : spec.sortedTimeline()) {
      if (!device.equals(e.device()) || !TimelineControls.injected(e.action())) continue;
      if (TimelineControls.INTERFERENCE.equals(e.action())) {
        TimelineControls.Interference i = TimelineControls.interference(e.params());
        changes.add(new Change(e.atMs(), order++, "i", i.cpuLevel(), i.memoryLevel(), null, null));
      } else {
        for (TimelineControls.Step s : TimelineControls.networkSteps(e.params(), seed)) {
          if (s.setting().rssiDbm() == null) continue;
          changes.add(new Change(e.atMs() + s.afterMs(), order++, "n", 0, 0, s.setting().link(), s.setting().rssiDbm()));
        }
      }
    }
    changes.sort(java.util.Comparator.comparingLong(Change::atMs).thenComparingInt(Change::order));
    List<TimedCondition> out = new ArrayList<>();
    double cpu = 0, mem = 0;
    Map<String, Double> rssi = new TreeMap<>();
    if (changes.isEmpty() || changes.get(0).atMs() > 0) out.add(new TimedCondition(0, new Observation.Condition(0, 0, rssi)));
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      if (c.kind().equals("i")) {
        cpu = c.cpu();
        mem = c.mem();
      } else if ("*".equals(c.link())) {
        for (String l : links) rssi.put(l, c.rssi());
      } else {
        rssi.put(c.link(), c.rssi());
      }
      boolean lastAtThisTime = i + 1 == changes.size() || changes.get(i + 1).atMs() != c.atMs();
      if (lastAtThisTime) out.add(new TimedCondition(c.atMs(), new Observation.Condition(cpu, mem, rssi)));
    }
    return out;
  }

  private static List<Observation.Condition> distinct(List<TimedCondition> t) {
    return List.copyOf(new LinkedHashSet<>(t.stream().map(TimedCondition::condition).toList()));
  }

  /** The profile's condition equal to the commanded one, else the nearest. */
  private Observation.Condition nearest(Observation.Condition c) {
    List<Observation.Condition> known = distinct(timeline);
    if (known.contains(c)) return c;
    Observation.Condition best = known.get(0);
    double bestD = Double.MAX_VALUE;
    for (Observation.Condition k : known) {
      double d = Math.abs(k.coRunnerCpu() - c.coRunnerCpu()) + Math.abs(k.memoryPressure() - c.memoryPressure());
      for (String l : new LinkedHashSet<>(List.copyOf(k.linkRssiDbm().keySet()))) {
        d += Math.abs(k.linkRssiDbm().get(l) - c.linkRssiDbm().getOrDefault(l, k.linkRssiDbm().get(l))) / 100;
      }
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private Observation.Condition commanded() {
    TimelineInjector.Commanded c = injector.commanded(deviceId);
    return nearest(new Observation.Condition(c.cpuLevel(), c.memoryLevel(), c.linkRssiDbm()));
  }

  // --- policies -----------------------------------------------------------------------------------------------

  private TargetPolicy policy(String name, Hello device, List<Hello> peers, Map<String, ActionSpace> spaces,
      Map<Precision, Double> precisionAccuracy, AccuracyMask mask) {
    if (name.equals("autoscale")) {
      StateDiscretiser discretiser = new StateDiscretiser(settings.bins());
      boolean persist = params.path("persist").asBoolean(true);
      io.testbed.orchestrator.policy.autoscale.QTableStore store = persist
          ? new FileQTableStore(setup.bundleRoot().resolveSibling("qtables"), new QTableJson(discretiser))
          : new io.testbed.orchestrator.policy.autoscale.InMemoryQTableStore(new QTableJson(discretiser));
      Recording rec = new Recording(name, null);
      AutoScaleTargetPolicy p = new AutoScaleTargetPolicy(new AutoScaleTargetPolicy.Setup(device, peers, spec.models(),
          settings, mask, precisionAccuracy, store, params.path("seed").asLong(setup.plan().seeds().get(0)), 100),
          rec::step);
      rec.inner = p;
      return rec;
    }
    Map<String, BiFunction<String, Observation.Condition, Action>> byModel = new HashMap<>();
    for (Map.Entry<String, ActionSpace> e : spaces.entrySet()) {
      ActionSpace s = e.getValue();
      Optional<StaticPolicy> fixed = switch (name) {
        case StaticPolicy.CPU_ONLY -> StaticPolicy.cpuOnly(s);
        case StaticPolicy.GPU_ONLY -> StaticPolicy.gpuOnly(s);
        case StaticPolicy.DSP_ONLY -> StaticPolicy.dspOnly(s);
        case StaticPolicy.EDGE_ONLY -> StaticPolicy.edgeOnly(s);
        case StaticPolicy.CLOUD_ONLY -> StaticPolicy.cloudOnly(s);
        case BestStatic.NAME -> Optional.of(BestStatic.choose(profiles.get(e.getKey()), s, settings.objective()));
        default -> Optional.empty();
      };
      if (name.equals(Oracle.NAME)) {
        Oracle o = oracles.get(e.getKey());
        byModel.put(e.getKey(), (m, c) -> s.get(s.indexOf(o.choose(c).actionId())));
      } else if (fixed.isPresent()) {
        Action a = fixed.get().action();
        byModel.put(e.getKey(), (m, c) -> a);
      } else {
        notes.add(name + " skipped: device " + deviceId + " has no such action for model " + e.getKey());
        return null;
      }
    }
    Recording rec = new Recording(name, null);
    rec.inner = new ActionPolicy(name, byModel, this::commanded);
    return rec;
  }

  /** A baseline or the oracle: the action is a function of the model and the commanded condition. */
  private final class ActionPolicy implements TargetPolicy {
    private final String name;
    private final Map<String, BiFunction<String, Observation.Condition, Action>> byModel;
    private final java.util.function.Supplier<Observation.Condition> condition;

    ActionPolicy(String name, Map<String, BiFunction<String, Observation.Condition, Action>> byModel,
        java.util.function.Supplier<Observation.Condition> condition) {
      this.name = name;
      this.byModel = byModel;
      this.condition = condition;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Decision choose(QueryContext q, FleetState fleet) {
      String model = spec.models().get((int) (q.queryId() % spec.models().size()));
      Action a = byModel.get(model).apply(model, condition.get());
      return new Decision(deviceId, model, a.commandTarget(), a.offloadTo(), a.precision(), a.dvfsLevelMHz());
    }
  }

  /**
   * Wraps each compared policy: remembers the commanded condition when a query is placed, and on its result records
   * it with the oracle's view and writes its {@code decision} point.
   */
  private final class Recording implements TargetPolicy {
    private final String name;
    TargetPolicy inner;
    private final Map<Long, Observation.Condition> conditions = new HashMap<>();
    private final Map<Long, TargetPolicy.Decision> decisions = new HashMap<>();
    private AutoScaleTargetPolicy.Step lastStep;
    private long index;

    Recording(String name, TargetPolicy inner) {
      this.name = name;
      this.inner = inner;
    }

    void step(AutoScaleTargetPolicy.Step s) {
      lastStep = s;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean observes() {
      return inner.observes();
    }

    @Override
    public Decision choose(QueryContext q, FleetState fleet) {
      return placed(q, inner.choose(q, fleet));
    }

    @Override
    public Decision choose(QueryContext q, FleetState fleet, Map<String, Heartbeat> hb) {
      return placed(q, inner.choose(q, fleet, hb));
    }

    private Decision placed(QueryContext q, Decision d) {
      conditions.put(q.queryId(), commanded());
      decisions.put(q.queryId(), d);
      return d;
    }

    @Override
    public void learn(QueryContext q, Decision d, Feedback f) {
      learn(q, d, f, null);
    }

    @Override
    public void learn(QueryContext q, Decision d, Feedback f, InferenceResult result) {
      lastStep = null;
      inner.learn(q, d, f, result);
      Observation.Condition c = conditions.remove(q.queryId());
      Decision placed = decisions.remove(q.queryId());
      if (c == null || placed == null) return;
      String actionId = actionId(placed);
      RequestOutcome out;
      String state;
      boolean explored = false;
      double qValue = Double.NaN;
      double reward;
      if (lastStep != null) {
        out = lastStep.outcome();
        state = lastStep.state();
        explored = lastStep.explored();
        qValue = lastStep.qValue();
        reward = lastStep.reward();
      } else {
        Double agreement = result == null || result.metrics() == null ? null : result.metrics().get("agreement");
        out = new RequestOutcome(f.latencyMs(), f.energyJ() == null ? 0 : f.energyJ(),
            agreement != null ? agreement : Double.NaN, f.ok());
        state = c.name();
        reward = Reward.of(settings.objective(), out);
      }
      RequestRecord r = oracles.get(placed.model()).record(name, index++, c, actionId, out);
      records.get(name).add(r);
      recordConditions.get(name).add(c);
      decisionRows.get(name).add(new String[] {name, Integer.toString(q.repetition()), Long.toString(r.index()),
          c.name(), actionId, r.oracleActionId(), num(out.latencyMs()), num(out.energyJ()), num(out.accuracy()),
          Boolean.toString(out.ok()), Boolean.toString(explored)});
      TelemetryPoint.Builder b = TelemetryPoint.builder(DECISION, nowNs())
          .tag("run", setup.runId()).tag("device", deviceId).tag("model", placed.model()).tag("policy", name)
          .tag("action", actionId).tag("state", state).tag("explored", Boolean.toString(explored))
          .field("reward", reward).field("latencyMs", out.latencyMs()).field("energyJ", out.energyJ());
      if (!Double.isNaN(qValue)) b.field("qValue", qValue);
      sink.write(b.build());
    }
  }

  /** The id of the action a decision stands for, in the model's action space. */
  private String actionId(TargetPolicy.Decision d) {
    for (Action a : spaces.get(d.model()).actions()) {
      if (a.commandTarget().equals(d.target()) && java.util.Objects.equals(a.offloadTo(), d.offloadTo())
          && java.util.Objects.equals(a.dvfsLevelMHz(), d.dvfsLevelMHz())
          && (d.precision() == null || a.precision() == d.precision())) {
        return a.id();
      }
    }
    return d.target();
  }

  // --- report -------------------------------------------------------------------------------------------------

  /** Writes the comparison into the bundle folder. */
  void writeReport(Path dir) throws IOException {
    if (records.isEmpty()) return;
    Map<String, List<RequestRecord>> nonEmpty = new LinkedHashMap<>();
    records.forEach((k, v) -> {
      if (!v.isEmpty()) nonEmpty.put(k, v);
    });
    List<PolicyReport> reports = PolicyReport.all(nonEmpty, settings.objective(), ConvergenceCriterion.defaults());
    String table = PolicyReport.table(reports);
    StringBuilder txt = new StringBuilder();
    txt.append("AutoScale comparison: run ").append(setup.runId()).append('\n')
        .append("device ").append(deviceId).append(", peers ").append(setup.offloadUrls().keySet())
        .append(", models ").append(spec.models()).append(", QoS ").append(num(settings.objective().qosLatencyMs()))
        .append(" ms, accuracy target ").append(num(settings.objective().accuracyTarget()))
        .append(", repetitions ").append(setup.plan().repetitions().size())
        .append(", profile ").append(params.path("profileRequests").asInt(3)).append(" requests per action and condition\n\n")
        .append(table).append('\n');
    Map<String, PolicyReport> byName = new LinkedHashMap<>();
    reports.forEach(r -> byName.put(r.policy(), r));
    List<String> headline = headline(byName);
    headline.forEach(h -> txt.append(h).append('\n'));
    if (!notes.isEmpty()) {
      txt.append("\nNotes:\n");
      notes.forEach(n -> txt.append("- ").append(n).append('\n'));
    }
    Files.writeString(dir.resolve("autoscale-report.txt"), txt.toString());

    ObjectNode json = SpecJson.mapper().createObjectNode();
    json.put("runId", setup.runId()).put("device", deviceId).put("qosLatencyMs", settings.objective().qosLatencyMs());
    ArrayNode arr = json.putArray("policies");
    for (PolicyReport r : reports) {
      ObjectNode o = arr.addObject();
      o.put("policy", r.policy()).put("requests", r.requests()).put("ok", r.okCount()).put("energyJ", r.energyJ())
          .put("inferencesPerJoule", r.inferencesPerJoule()).put("vsCpuOnly", r.vsCpuOnly())
          .put("energyPerInferenceJ", r.okCount() == 0 ? Double.NaN : r.energyJ() / r.okCount())
          .put("qosViolationRate", r.qosViolationRate()).put("meanAccuracy", r.meanAccuracy())
          .put("oracleMatchShare", r.oracleMatchShare()).put("nearOracleShare", r.nearOracleShare())
          .put("oracleFallbacks", r.oracleFallbacks());
      if (r.requestsToConverge().isPresent()) o.put("requestsToConverge", r.requestsToConverge().getAsInt());
      else o.putNull("requestsToConverge");
    }
    ArrayNode h = json.putArray("headline");
    headline.forEach(h::add);
    ArrayNode n = json.putArray("notes");
    notes.forEach(n::add);
    ObjectNode prof = json.putObject("profile");
    profiles.forEach((model, p) -> {
      ObjectNode m = prof.putObject(model);
      p.entries().forEach((c, byAction) -> {
        ObjectNode cn = m.putObject(c.name());
        byAction.forEach((a, e) -> cn.putObject(a).put("latencyMs", e.latencyMs()).put("energyJ", e.energyJ())
            .put("accuracy", e.accuracy()));
      });
    });
    ArrayNode tl = json.putArray("timeline");
    timeline.forEach(t -> tl.addObject().put("atMs", t.atMs()).put("condition", t.condition().name()));
    Files.writeString(dir.resolve("autoscale-report.json"),
        SpecJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));

    StringBuilder csv = new StringBuilder("policy,repetition,index,condition,action,oracleAction,latencyMs,energyJ,accuracy,ok,explored\n");
    decisionRows.values().forEach(rows -> rows.forEach(r -> csv.append(String.join(",", quote(r))).append('\n')));
    Files.writeString(dir.resolve("autoscale-decisions.csv"), csv.toString());

    for (Map.Entry<String, BundleContents> e : contents.entrySet()) {
      Path pd = Files.createDirectories(dir.resolve("policies").resolve(e.getKey()));
      Map<Integer, List<QueryRecord>> byRep = new TreeMap<>();
      e.getValue().repetitions().forEach(r -> byRep.put(r.index(), r.records()));
      QueryCsv.write(pd.resolve(ResultBundle.QUERIES), byRep);
      Files.writeString(pd.resolve(ResultBundle.MLPERF_SUMMARY), ResultBundle.mlperfText(e.getValue()));
    }
    String shown = nonEmpty.containsKey("autoscale") ? "autoscale" : nonEmpty.keySet().iterator().next();
    AutoScalePlots.write(dir.resolve(ResultBundle.PLOTS), reports, shown, nonEmpty.get(shown), recordConditions.get(shown));
  }

  /** AutoScale against CPU-only, cloud-only and the oracle, beside the paper's headline. */
  static List<String> headline(Map<String, PolicyReport> byName) {
    List<String> out = new ArrayList<>();
    PolicyReport as = byName.get("autoscale");
    if (as == null) return out;
    PolicyReport cpu = byName.get(StaticPolicy.CPU_ONLY);
    PolicyReport cloud = byName.get(StaticPolicy.CLOUD_ONLY);
    PolicyReport oracle = byName.get(Oracle.NAME);
    if (cpu != null) out.add(String.format(Locale.ROOT, "AutoScale vs CPU-only: %.2fx inferences per joule (paper: 9.8x)",
        as.inferencesPerJoule() / cpu.inferencesPerJoule()));
    if (cloud != null) out.add(String.format(Locale.ROOT, "AutoScale vs cloud-only: %.2fx inferences per joule (paper: 1.6x)",
        as.inferencesPerJoule() / cloud.inferencesPerJoule()));
    if (oracle != null) out.add(String.format(Locale.ROOT,
        "AutoScale efficiency as a share of the oracle's: %.1f%% (goal >= 95%%); QoS violations %.1f%% (goal <= 5%%)",
        100 * as.inferencesPerJoule() / oracle.inferencesPerJoule(), 100 * as.qosViolationRate()));
    return out;
  }

  private static String[] quote(String[] r) {
    String[] out = new String[r.length];
    for (int i = 0; i < r.length; i++) {
      String s = r[i] == null ? "" : r[i];
      out[i] = s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
    return out;
  }

  private static String num(double d) {
    if (Double.isNaN(d)) return "";
    return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6g", d);
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
