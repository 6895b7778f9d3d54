package io.testbed.orchestrator.app;

import io.testbed.orchestrator.actor.DeviceRegistry;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.actor.JobManager;
import io.testbed.orchestrator.actor.MqttConnection;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.port.MqttPort;
import io.testbed.orchestrator.port.TelemetrySink;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Root actor: only wires the device registry (which owns the MQTT connection), the job manager and the experiment
 * manager together.
 */
public final class Guardian {
  private Guardian() {}

  /** The top-level actors, handed to the REST layer once spawned. */
  public record Wiring(
      ActorRef<DeviceRegistry.Command> registry,
      ActorRef<JobManager.Command> jobs,
      ActorRef<ExperimentManager.Command> experiments) {}

  /**
   * @param mqttPort builds the MQTT port given the executor for its blocking calls (the configured dispatcher)
   * @param ready completed with the actors once they exist
   */
  public static Behavior<Void> create(
      OrchestratorSettings settings,
      Function<Executor, MqttPort> mqttPort,
      TelemetrySink sink,
      Clock clock,
      CompletableFuture<Wiring> ready) {
    return Behaviors.setup(ctx -> {
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(settings.mqtt().dispatcherPath()));
      MqttPort port = mqttPort.apply(blocking);
      ActorRef<DeviceRegistry.Command> registry = ctx.spawn(
          DeviceRegistry.create(r -> MqttConnection.create(port, settings.mqtt(), r), sink, clock, settings), "devices");
      ActorRef<JobManager.Command> jobs = ctx.spawn(JobManager.create(registry, clock, settings), "jobs");
      // ExperimentRunner.run blocks a thread for a whole run: it gets its own dispatcher (reference.conf).
      Executor runners = ctx.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig(settings.experiments().dispatcherPath()));
      ActorRef<ExperimentManager.Command> experiments = ctx.spawn(ExperimentManager.create(registry,
          ExperimentManager.runs(registry, sink, clock, runners),
          ExperimentManager.recRuns(recServerPort(ctx.getSystem().settings().config()), sink, clock),
          clock, new java.util.SplittableRandom(), settings),
          "experiments");
      ready.complete(new Wiring(registry, jobs, experiments));
      return Behaviors.empty();
    });
  }

  /** The recommendation servers' HTTP port for recsched runs (its own small executor; daemon threads). */
  private static io.testbed.orchestrator.port.RecServerPort recServerPort(com.typesafe.config.Config config) {
    int threads = config.withFallback(com.typesafe.config.ConfigFactory.defaultReference())
        .getInt("testbed.orchestrator.recsched.http-threads");
    return new io.testbed.orchestrator.adapter.rec.HttpRecServerPort(threads, java.time.Duration.ofSeconds(5));
  }
}
