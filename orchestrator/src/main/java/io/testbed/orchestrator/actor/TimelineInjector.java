package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.TimelineControls;
import io.testbed.experiments.spec.TimelineEvent;
import io.testbed.orchestrator.port.TelemetrySink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiment timeline's injector: applies {@code interference} and {@code network} actions to devices as
 * {@code SetInterference}/{@code SetNetwork} through their twins ({@link DeviceTwin.RunControl}: correlation,
 * {@code ControlAck}, timeout), records each applied change (with the settings the device reports) as an
 * {@code experiment_event} point of kind {@code interference}/{@code network} and in {@link #applied()} (the bundle's
 * {@code injections.json}), and tracks the commanded condition of each device (AutoScale's profile and oracle key).
 * {@link #apply} blocks until the device acknowledges (at most the control timeout) and throws when it did not apply
 * the change, so LoadGen records the error in {@code events.json}; later steps of a network schedule are sent from the
 * injector's own thread.
 */
public final class TimelineInjector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineInjector.class);

  /** One control command as it went: what was asked, whether the device applied it, and what it applied. */
  public record Applied(long epochNs, int repetition, String device, String kind, String correlationId, boolean applied,
      String error, JsonNode requested, JsonNode settings, double roundTripMs) {}

  /** The levels the timeline commanded on one device (what AutoScale's oracle keys its profile on). */
  public record Commanded(double cpuLevel, double memoryLevel, Map<String, Double> linkRssiDbm) {
    public Commanded {
      linkRssiDbm = Map.copyOf(new TreeMap<>(linkRssiDbm));
    }
  }

  private final String runId;
  private final ActorRef<DeviceRegistry.Command> registry;
  private final TelemetrySink sink;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration controlTimeout;
  private final Map<String, List<String>> links;
  private final Map<String, Commanded> commanded = new ConcurrentHashMap<>();
  private final List<Applied> applied = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService later;
  private volatile int repetition;

  /**
   * @param links the offload links of each device (peer ids): {@code link "*"} sets all of them in the commanded
   *     condition; initial RSSI of a link is unknown until a network action sets it
   */
  public TimelineInjector(String runId, ActorRef<DeviceRegistry.Command> registry, TelemetrySink sink, Scheduler scheduler,
      Clock clock, Duration controlTimeout, Map<String, List<String>> links) {
    this.runId = runId;
    this.registry = registry;
    this.sink = sink;
    this.scheduler = scheduler;
    this.clock = clock;
    this.controlTimeout = controlTimeout;
    this.links = Map.copyOf(links);
    this.later = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "injector-" + runId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Sets the repetition index recorded with the following changes. */
  public void repetition(int index) {
    this.repetition = index;
  }

  /**
   * Applies one injected timeline action ({@link TimelineControls#injected}); {@code seed} seeds random schedules.
   *
   * @throws IllegalStateException naming the device's error when it did not apply the change
   */
  public void apply(TimelineEvent e, long seed) {
    if (TimelineControls.INTERFERENCE.equals(e.action())) {
      TimelineControls.Interference i = TimelineControls.interference(e.params());
      check(send(e.device(), ControlRequest.interference(i.cpuLevel(), i.memoryLevel())));
      return;
    }
    if (!TimelineControls.NETWORK.equals(e.action())) {
      throw new IllegalArgumentException("not an injected action: " + e.action());
    }
    List<TimelineControls.Step> steps = TimelineControls.networkSteps(e.params(), seed);
    RuntimeException first = null;
    for (TimelineControls.Step s : steps) {
      ControlRequest r = network(s.setting());
      if (s.afterMs() == 0) {
        try {
          check(send(e.device(), r));
        } catch (IllegalStateException ex) {
          if (first == null) first = ex;
        }
      } else {
        later.schedule(() -> send(e.device(), r), s.afterMs(), TimeUnit.MILLISECONDS);
      }
    }
    if (first != null) throw first;
  }

  /** Sends one control command and waits for its answer (at most the control timeout plus a second). */
  public DeviceTwin.ControlDone send(String device, ControlRequest request) {
    long at = nowNs();
    DeviceTwin.ControlDone done;
    try {
      done = DeviceRegistry.twin(registry, device).<DeviceTwin.ControlDone>ask(
              replyTo -> new DeviceTwin.RunControl(request, controlTimeout.toMillis(), replyTo),
              controlTimeout.plusSeconds(1), scheduler)
          .toCompletableFuture().get(controlTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      done = new DeviceTwin.ControlDone(device, "none", request.kind(), false, "interrupted", SpecJson.mapper().createObjectNode(), 0);
    } catch (Exception ex) {
      done = new DeviceTwin.ControlDone(device, "none", request.kind(), false,
          "no-answer: the twin of '" + device + "' did not answer: " + ex, SpecJson.mapper().createObjectNode(), 0);
    }
    JsonNode requested = SpecJson.mapper().valueToTree(request);
    Applied a = new Applied(at, repetition, device, request.kind(), done.correlationId(), done.applied(), done.error(),
        requested, done.settings(), done.roundTripMs());
    applied.add(a);
    if (done.applied()) track(device, request);
    String message = (done.applied() ? "applied " : "not applied (" + done.error() + ") ") + describe(request)
        + (done.applied() ? " -> " + done.settings() : "");
    sink.write(Measurements.experimentEvent(runId, request.kind(), device, message, done.applied() ? 1 : 0, nowNs()));
    LOG.info("run {}: {} on {}: {}", runId, request.kind(), device, message);
    return done;
  }

  /** Every control command sent so far, in order. */
  public List<Applied> applied() {
    return List.copyOf(applied);
  }

  /** The levels last commanded on {@code device}: zeros and no link RSSI before any action. */
  public Commanded commanded(String device) {
    return commanded.getOrDefault(device, new Commanded(0, 0, Map.of()));
  }

  /** Writes {@link #applied()} as {@code injections.json} into a bundle folder (nothing when none were sent). */
  public void writeTo(Path bundleDir) throws IOException {
    if (applied.isEmpty()) return;
    ArrayNode arr = SpecJson.mapper().createArrayNode();
    for (Applied a : applied) arr.add((ObjectNode) SpecJson.mapper().valueToTree(a));
    Files.writeString(bundleDir.resolve("injections.json"),
        SpecJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(arr));
  }

  @Override
  public void close() {
    later.shutdownNow();
  }

  private void track(String device, ControlRequest r) {
    commanded.compute(device, (d, c) -> {
      Commanded cur = c == null ? new Commanded(0, 0, Map.of()) : c;
      if (ControlRequest.INTERFERENCE.equals(r.kind())) {
        return new Commanded(r.cpuLevel() == null ? 0 : r.cpuLevel(), r.memoryLevel() == null ? 0 : r.memoryLevel(),
            cur.linkRssiDbm());
      }
      if (r.rssiDbm() == null) return cur;
      Map<String, Double> rssi = new TreeMap<>(cur.linkRssiDbm());
      if ("*".equals(r.link())) {
        for (String l : links.getOrDefault(device, List.of())) rssi.put(l, r.rssiDbm());
      } else {
        rssi.put(r.link(), r.rssiDbm());
      }
      return new Commanded(cur.cpuLevel(), cur.memoryLevel(), rssi);
    });
  }

  private static ControlRequest network(TimelineControls.NetworkSetting s) {
    return ControlRequest.network(s.link(), s.technology(), s.rssiDbm(), s.delayMs(), s.jitterMs(), s.rateMbps(), s.lossPct());
  }

  private static void check(DeviceTwin.ControlDone d) {
    if (!d.applied()) throw new IllegalStateException(d.kind() + " not applied on " + d.deviceId() + ": " + d.error());
  }

  private static String describe(ControlRequest r) {
    List<String> parts = new ArrayList<>();
    if (ControlRequest.INTERFERENCE.equals(r.kind())) {
      parts.add("cpuLevel=" + r.cpuLevel());
      parts.add("memoryLevel=" + r.memoryLevel());
    } else {
      parts.add("link=" + r.link());
      if (r.technology() != null) parts.add("technology=" + r.technology());
      if (r.rssiDbm() != null) parts.add("rssiDbm=" + r.rssiDbm());
      if (r.delayMs() != null) parts.add("delayMs=" + r.delayMs());
      if (r.jitterMs() != null) parts.add("jitterMs=" + r.jitterMs());
      if (r.rateMbps() != null) parts.add("rateMbps=" + r.rateMbps());
      if (r.lossPct() != null) parts.add("lossPct=" + r.lossPct());
    }
    return String.join(" ", parts);
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
