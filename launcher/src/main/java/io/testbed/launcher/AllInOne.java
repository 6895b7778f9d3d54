package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.testbed.inference.ModelCache;
import io.testbed.inference.ModelZoo;
import io.testbed.orchestrator.app.Orchestrator;
import io.testbed.orchestrator.app.RunningOrchestrator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: the orchestrator (with its embedded broker) in this process, and one agent process per fleet
 * member. {@link #start} returns once every device is online over REST.
 */
public final class AllInOne implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

  private final RunningOrchestrator orchestrator;
  private final List<AgentProcess> agents;
  private final ApiClient api;
  private final long startedNs;
  private final long onlineNs;

  private AllInOne(RunningOrchestrator orchestrator, List<AgentProcess> agents, ApiClient api, long startedNs, long onlineNs) {
    this.orchestrator = orchestrator;
    this.agents = agents;
    this.api = api;
    this.startedNs = startedNs;
    this.onlineNs = onlineNs;
  }

  /** Starts everything; {@code config} is the full configuration (launcher and orchestrator sections). */
  public static AllInOne start(Config config) throws InterruptedException {
    long t0 = System.nanoTime();
    List<FleetMember> fleet = FleetMember.fromConfig(config);
    Config lc = config.getConfig("testbed.launcher");
    // The agents' model graphs (INT8 calibration included) are built once here, from the start, into the host's model
    // cache, and the agent processes read them instead of building and calibrating their own. Cloud agents start
    // at once (their JVM, recommendation models and HTTP server take longer than the build, and a graph still being
    // built is waited for on its lock file); device agents, which load graphs first thing, start when it is done.
    ModelCache cache = ModelCache.fromEnvironment();
    CompletableFuture<Void> zoo = CompletableFuture.runAsync(() -> prebuild(cache), r -> {
      Thread t = new Thread(r, "zoo-prebuild");
      t.setDaemon(true);
      t.start();
    });
    RunningOrchestrator orch = Orchestrator.start(config);
    List<AgentProcess> agents = new ArrayList<>();
    ApiClient api = new ApiClient(orch.restUrl(), config.getString(Keys.TOKEN));
    try {
      for (boolean cloudWave : new boolean[] {true, false}) {
        if (!cloudWave) awaitPrebuild(zoo);
        for (FleetMember m : fleet) {
          if (m.servesOffload() != cloudWave) continue;
          agents.add(AgentProcess.start(m, orch.brokerUrl(), lc.getStringList("agent-jvm-options"), Path.of(lc.getString("log-dir")), cache));
        }
      }
      List<AgentProcess> devices = List.copyOf(agents);
      if (lc.getBoolean("power-bridge.enabled")) {
        agents.add(AgentProcess.startPowerBridge(lc.getString("power-bridge.config-resource"), orch.brokerUrl(),
            lc.getStringList("agent-jvm-options"), Path.of(lc.getString("log-dir"))));
      }
      awaitOnline(api, devices, lc.getDuration("online-timeout"));
    } catch (RuntimeException | InterruptedException e) {
      agents.forEach(AgentProcess::close);
      orch.stop().toCompletableFuture().join();
      throw e;
    }
    return new AllInOne(orch, agents, api, t0, System.nanoTime());
  }

  private static void prebuild(ModelCache cache) {
    long t0 = System.nanoTime();
    ModelZoo zoo = ModelZoo.standard(cache);
    zoo.prebuild(Runtime.getRuntime().availableProcessors());
    log.info("Model zoo ready in {} ms for the agents (model cache {}: {} graphs read, {} built)", (System.nanoTime() - t0) / 1_000_000,
        cache.enabled() ? cache.dir() : "off", cache.hits(), cache.builds());
  }

  /** A failed prebuild is logged, not fatal: each agent then builds its own graphs (and says why if it cannot). */
  private static void awaitPrebuild(CompletableFuture<Void> zoo) throws InterruptedException {
    try {
      zoo.get();
    } catch (java.util.concurrent.ExecutionException e) {
      log.warn("Building the model zoo in the launcher failed ({}); each agent builds its own", e.getCause().toString());
    }
  }

  private static void awaitOnline(ApiClient api, List<AgentProcess> agents, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> wanted = new HashSet<>();
    agents.forEach(a -> wanted.add(a.member.id()));
    while (true) {
      Set<String> online = new HashSet<>();
      // Online and announced: its hello (kind, targets, models) has arrived, not only its state.
      for (JsonNode d : api.devices()) {
        if ("online".equals(d.path("status").asText()) && d.hasNonNull("kind")) online.add(d.path("id").asText());
      }
      if (online.containsAll(wanted)) return;
      for (AgentProcess a : agents) {
        if (!a.isAlive()) {
          throw new IllegalStateException("agent " + a.member.id() + " exited; its log " + a.log + " ends with:\n" + a.logTail());
        }
      }
      if (System.nanoTime() > deadline) {
        wanted.removeAll(online);
        throw new IllegalStateException("devices not online after " + timeout + ": " + wanted + " (logs under " + agents.get(0).log.getParent() + ")");
      }
      Thread.sleep(100);
    }
  }

  public ApiClient api() { return api; }

  /** The log file of a fleet member's agent process. */
  Path log(String deviceId) {
    return agents.stream().filter(a -> a.member.id().equals(deviceId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no agent process " + deviceId)).log;
  }

  public RunningOrchestrator orchestrator() { return orchestrator; }

  public List<FleetMember> fleet() { return agents.stream().map(a -> a.member).filter(m -> !m.id().equals("power-bridge")).toList(); }

  /** Cold start: from the call to {@link #start} until every device was online over REST. */
  public Duration coldStart() { return Duration.ofNanos(onlineNs - startedNs); }

  public Path logDir() { return agents.isEmpty() ? Path.of(".") : agents.get(0).log.getParent(); }

  @Override
  public void close() {
    log.info("stopping {} agents and the orchestrator", agents.size());
    agents.parallelStream().forEach(AgentProcess::close);
    orchestrator.stop().toCompletableFuture().join();
  }
}
