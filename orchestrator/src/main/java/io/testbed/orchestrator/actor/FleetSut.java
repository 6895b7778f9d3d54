package io.testbed.orchestrator.actor;

import io.testbed.experiments.loadgen.Query;
import io.testbed.experiments.loadgen.QueryCompletion;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.SystemUnderTest;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.Scheduler;

/**
 * The device fleet as LoadGen's system under test: each query goes, as ONE inference command whose batch size is the
 * query's sample count (MultiStream and Offline queries included), to the device the {@link TargetPolicy} picks,
 * through that device's twin ({@link TwinRef#runInference}, the same correlation jobs use). The query completes when
 * the twin answers; the device's energy figure and output digest travel with the outcome. A {@code device-offline}
 * answer is also reported to the run, which continues or aborts as the spec says.
 */
public final class FleetSut implements SystemUnderTest {

  /** Hears about devices lost during the run (called from any thread; must return quickly). */
  @FunctionalInterface
  public interface LossListener {
    void deviceLost(String deviceId, String reason);
  }

  /**
   * @param twins the twin of every device the policy may pick
   * @param offloadUrls the endpoint of every offload peer, by device id
   * @param precision the spec's precision; null lets the twin use the target's own
   * @param commandTimeoutMs the device-side timeout of each command (the scenario's query timeout)
   * @param askTimeout how long to wait for a twin's answer (beyond the twin's own timeout + grace)
   */
  public record Setup(
      String runId,
      int repetition,
      TargetPolicy policy,
      List<String> devices,
      Map<String, TwinRef> twins,
      Map<String, String> offloadUrls,
      Precision precision,
      long commandTimeoutMs,
      Duration askTimeout,
      Scheduler scheduler) {}

  private final Setup setup;
  private final LossListener losses;
  private final Set<String> lost = ConcurrentHashMap.newKeySet();
  private final Map<Long, Placed> placed = new ConcurrentHashMap<>();
  private final Map<Long, InferenceResult> results = new ConcurrentHashMap<>();
  private final Map<Long, String> correlationIds = new ConcurrentHashMap<>();

  private record Placed(TargetPolicy.QueryContext context, TargetPolicy.Decision decision) {}

  public FleetSut(Setup setup, LossListener losses) {
    this.setup = setup;
    this.losses = losses;
  }

  @Override
  public String name() {
    return "testbed fleet (" + String.join(", ", setup.devices()) + "; policy " + setup.policy().name() + ")";
  }

  @Override
  public void issue(Query query, QueryCompletion completion) {
    TargetPolicy.QueryContext context = new TargetPolicy.QueryContext(query.id(), query.sampleCount(), setup.repetition());
    TargetPolicy.FleetState fleet = new TargetPolicy.FleetState(setup.devices(), lost);
    TargetPolicy.Decision d = setup.policy().observes()
        ? setup.policy().choose(context, fleet, lastHeartbeats())
        : setup.policy().choose(context, fleet);
    placed.put(query.id(), new Placed(context, d));
    TwinRef twin = setup.twins().get(d.deviceId());
    if (twin == null) {
      completion.complete(QueryOutcome.failed(Outcome.REJECTED,
          "policy-error: policy picked device '" + d.deviceId() + "' outside the experiment", d.deviceId(), d.target()));
      return;
    }
    String offloadUrl = d.offloadTo() == null ? null : setup.offloadUrls().get(d.offloadTo());
    DeviceTwin.InferenceRequest request = new DeviceTwin.InferenceRequest(d.model(), d.target(),
        d.precision() != null ? d.precision() : setup.precision(), query.sampleCount(), query.sampleIndices().get(0),
        d.dvfsLevelMHz(), d.offloadTo(), offloadUrl, setup.commandTimeoutMs());
    twin.runInference(request, setup.runId(), setup.policy().name(), setup.askTimeout(), setup.scheduler())
        .whenComplete((done, ex) -> completion.complete(done != null ? outcome(query.id(), d, done.result())
            : QueryOutcome.failed(Outcome.FAILED, "no-answer: the twin of '" + d.deviceId() + "' did not answer: "
                + ex.getMessage(), d.deviceId(), d.target())));
  }

  /**
   * LoadGen recorded the query (call on LoadGen's thread, from {@code LoadGenListener.onCompleted}): the policy learns
   * how it went; returns the model it was sent with (for the time series), null for a query this SUT did not place.
   */
  public String completed(QueryRecord r) {
    Placed p = placed.remove(r.queryId());
    if (p == null) return null;
    setup.policy().learn(p.context(), p.decision(),
        new TargetPolicy.Feedback(r.succeeded(), r.latencyNs() / 1e6, r.energyJ(), r.reason()), results.remove(r.queryId()));
    return p.decision().model();
  }

  /** The correlation id of the inference that answered a query (joins it to its metered energy); null when none did. */
  public String correlationId(long queryId) { return correlationIds.get(queryId); }

  /** Each experiment device's last heartbeat, from its twin (a device whose twin does not answer in 1 s is absent). */
  private Map<String, io.testbed.protocol.Heartbeat> lastHeartbeats() {
    Map<String, io.testbed.protocol.Heartbeat> out = new java.util.HashMap<>();
    for (String id : setup.devices()) {
      TwinRef twin = setup.twins().get(id);
      if (twin == null) continue;
      try {
        io.testbed.orchestrator.model.DeviceView v = twin.<io.testbed.orchestrator.model.DeviceView>ask(
            DeviceTwin.GetState::new, Duration.ofSeconds(1), setup.scheduler()).toCompletableFuture()
            .get(1, java.util.concurrent.TimeUnit.SECONDS);
        if (v.lastHeartbeat() != null) out.put(id, v.lastHeartbeat());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // no observation of this device for this query
      }
    }
    return out;
  }

  private QueryOutcome outcome(long queryId, TargetPolicy.Decision d, InferenceResult r) {
    results.put(queryId, r);
    correlationIds.put(queryId, r.correlationId());
    if (r.outcome() == Outcome.OK) {
      QueryOutcome ok = QueryOutcome.ok(d.deviceId(), d.target()).withDigest(r.outputDigest());
      return r.energyJ() == null ? ok : ok.withEnergy(r.energyJ(), r.energySource());
    }
    String reason = r.error() == null || r.error().isBlank() ? r.outcome().wireName() : r.error();
    if (reason.startsWith(DeviceTwin.DEVICE_OFFLINE) && lost.add(d.deviceId())) losses.deviceLost(d.deviceId(), reason);
    QueryOutcome failed = QueryOutcome.failed(r.outcome(), reason, d.deviceId(), d.target());
    return r.energyJ() == null ? failed : failed.withEnergy(r.energyJ(), r.energySource());
  }
}
