package io.testbed.orchestrator.actor;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * An EntityRef-style handle on the twin of one device: callers address it by device id only, and messages travel
 * through the {@link DeviceRegistry} envelope, so Cluster Sharding can replace the registry without changing callers.
 */
public record TwinRef(ActorRef<DeviceRegistry.Command> registry, String deviceId) {

  public void tell(DeviceTwin.Command message) {
    registry.tell(envelope(message));
  }

  /** The envelope carrying {@code message} to this twin (for {@code ActorContext.ask} on {@link #registry()}). */
  public DeviceRegistry.Deliver envelope(DeviceTwin.Command message) {
    return new DeviceRegistry.Deliver(deviceId, message);
  }

  /**
   * Runs one inference through the twin's command/reply correlation (the same {@link DeviceTwin.RunInference} jobs
   * use). The twin answers every request itself within the command timeout plus the reply grace; the stage fails only
   * when the twin does not answer within {@code timeout} (a lost twin).
   */
  public CompletionStage<DeviceTwin.InferenceDone> runInference(
      DeviceTwin.InferenceRequest request, String runId, String policy, Duration timeout, Scheduler scheduler) {
    return ask(replyTo -> new DeviceTwin.RunInference(request, runId, policy, replyTo), timeout, scheduler);
  }

  public <R> CompletionStage<R> ask(Function<ActorRef<R>, DeviceTwin.Command> message, Duration timeout, Scheduler scheduler) {
    return AskPattern.ask(registry, replyTo -> envelope(message.apply(replyTo)), timeout, scheduler);
  }
}
