package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.model.JobRequest;
import io.testbed.orchestrator.model.JobStatus;
import io.testbed.protocol.InferenceResult;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Drives one job: sends its {@code count} inferences to the device's twin one after another (the next when the
 * previous completed, like LoadGen's SingleStream), reports each result to the {@link JobManager} and stops when done.
 * The job fails early when the device goes offline.
 */
public final class JobRunner extends AbstractBehavior<JobRunner.Command> {

  /** Messages of a job runner. */
  public sealed interface Command extends JsonSerializable {}

  private record InferenceAnswered(InferenceResult result, String failure) implements Command {}

  /** Policy tag of results of jobs: the target was fixed by the request. */
  public static final String POLICY = "fixed";

  /**
   * @param request resolved request (precision and timeout filled in)
   * @param offloadUrl the peer's endpoint when the target is {@code offload}, else null
   * @param askTimeout how long to wait for the twin's answer before counting the inference as lost
   */
  public static Behavior<Command> create(
      String jobId,
      JobRequest request,
      String offloadUrl,
      TwinRef twin,
      ActorRef<JobManager.Command> manager,
      Duration askTimeout) {
    return Behaviors.withMdc(Command.class, Map.of("jobId", jobId, "deviceId", request.deviceId()),
        Behaviors.setup(ctx -> new JobRunner(ctx, jobId, request, offloadUrl, twin, manager, askTimeout)));
  }

  private final String jobId;
  private final JobRequest request;
  private final String offloadUrl;
  private final TwinRef twin;
  private final ActorRef<JobManager.Command> manager;
  private final Duration askTimeout;
  private int sent;

  private JobRunner(
      ActorContext<Command> ctx,
      String jobId,
      JobRequest request,
      String offloadUrl,
      TwinRef twin,
      ActorRef<JobManager.Command> manager,
      Duration askTimeout) {
    super(ctx);
    this.jobId = jobId;
    this.request = request;
    this.offloadUrl = offloadUrl;
    this.twin = twin;
    this.manager = manager;
    this.askTimeout = askTimeout;
    ctx.getLog().info("Job {} started: {} x {} on {}/{}", jobId, request.count(), request.model(), request.deviceId(),
        request.target());
    twin.tell(new DeviceTwin.SetRun(jobId));
    sendNext();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(InferenceAnswered.class, this::onInferenceAnswered).build();
  }

  private void sendNext() {
    long seed = sent++;
    DeviceTwin.InferenceRequest q = new DeviceTwin.InferenceRequest(
        request.model(),
        request.target(),
        request.precision(),
        request.batchSize(),
        seed,
        request.dvfsLevelMHz(),
        request.offloaded() ? request.offloadTo() : null,
        request.offloaded() ? offloadUrl : null,
        request.timeoutMs());
    getContext().ask(
        DeviceTwin.InferenceDone.class,
        twin.registry(),
        askTimeout,
        replyTo -> twin.envelope(new DeviceTwin.RunInference(q, jobId, POLICY, replyTo)),
        (done, ex) -> done != null ? new InferenceAnswered(done.result(), null)
            : new InferenceAnswered(null, "no answer from the twin of " + request.deviceId() + ": " + ex.getMessage()));
  }

  private Behavior<Command> onInferenceAnswered(InferenceAnswered m) {
    if (m.result() == null) return finish(JobStatus.FAILED, m.failure());
    manager.tell(new JobManager.ResultRecorded(jobId, m.result()));
    String error = m.result().error();
    if (error != null && error.startsWith(DeviceTwin.DEVICE_OFFLINE)) {
      return finish(JobStatus.FAILED, "device '" + request.deviceId() + "' went offline during inference " + sent + " of "
          + request.count());
    }
    if (sent >= request.count()) return finish(JobStatus.COMPLETED, null);
    sendNext();
    return this;
  }

  private Behavior<Command> finish(JobStatus status, String error) {
    twin.tell(new DeviceTwin.ClearRun(jobId));
    manager.tell(new JobManager.JobEnded(jobId, status, error));
    if (error == null) getContext().getLog().info("Job {} {}", jobId, status.name().toLowerCase());
    else getContext().getLog().warn("Job {} {}: {}", jobId, status.name().toLowerCase(), error);
    return Behaviors.stopped();
  }
}
