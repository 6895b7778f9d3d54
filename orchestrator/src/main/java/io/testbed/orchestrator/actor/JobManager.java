package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.model.JobRequest;
import io.testbed.orchestrator.model.JobStatus;
import io.testbed.orchestrator.model.JobSummary;
import io.testbed.orchestrator.model.JobView;
import io.testbed.orchestrator.policy.CapabilityCheck;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Accepts inference jobs (checking the device exists, is online and has the model/target/peer), spawns a
 * {@link JobRunner} per job and keeps every job's progress and results in memory for the REST API.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  /** Messages of the job manager. */
  public sealed interface Command extends JsonSerializable {}

  /** Submit a job; answers {@link Accepted} or {@link Rejected}. */
  public record Submit(JobRequest request, ActorRef<SubmitReply> replyTo) implements Command {}

  /** Answer to {@link Submit}. */
  public sealed interface SubmitReply extends JsonSerializable {}

  public record Accepted(JobView job) implements SubmitReply {}

  /** Why a job was refused: maps to HTTP 404, 409 (offline, or leased by an experiment), 422 or 503. */
  public enum RejectionKind { UNKNOWN_DEVICE, DEVICE_OFFLINE, LEASED, UNPROCESSABLE, UNAVAILABLE }

  public record Rejected(RejectionKind kind, String message) implements SubmitReply {}

  public record GetJobs(ActorRef<Jobs> replyTo) implements Command {}

  /** Every job, without their result lists. */
  public record Jobs(List<JobView> jobs) implements JsonSerializable {}

  public record GetJob(String jobId, ActorRef<JobLookup> replyTo) implements Command {}

  /** Answer to {@link GetJob}. */
  public sealed interface JobLookup extends JsonSerializable {}

  public record JobFound(JobView job) implements JobLookup {}

  public record JobNotFound(String jobId) implements JobLookup {}

  /** From a runner: one more result. */
  public record ResultRecorded(String jobId, InferenceResult result) implements Command {}

  /** From a runner: the job is over. */
  public record JobEnded(String jobId, JobStatus status, String error) implements Command {}

  private record DevicesForSubmit(Submit submit, List<DeviceView> devices, String failure) implements Command {}

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  public static Behavior<Command> create(ActorRef<DeviceRegistry.Command> registry, Clock clock, OrchestratorSettings settings) {
    return Behaviors.setup(ctx -> new JobManager(ctx, registry, clock, settings));
  }

  private static final class Job {
    final String id;
    final JobRequest request;
    final long submittedNs;
    final List<InferenceResult> results = new ArrayList<>();
    JobStatus status = JobStatus.RUNNING;
    String error;
    Long finishedNs;

    Job(String id, JobRequest request, long submittedNs) {
      this.id = id;
      this.request = request;
      this.submittedNs = submittedNs;
    }

    JobView view(boolean withResults) {
      int failed = (int) results.stream().filter(r -> r.outcome() != Outcome.OK).count();
      return new JobView(id, status, request, results.size(), failed, request.count(), JobSummary.of(results), error,
          submittedNs, finishedNs, withResults ? List.copyOf(results) : null);
    }
  }

  private final ActorRef<DeviceRegistry.Command> registry;
  private final Clock clock;
  private final OrchestratorSettings settings;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private long seq;

  private JobManager(ActorContext<Command> ctx, ActorRef<DeviceRegistry.Command> registry, Clock clock, OrchestratorSettings settings) {
    super(ctx);
    this.registry = registry;
    this.clock = clock;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(DevicesForSubmit.class, this::onDevicesForSubmit)
        .onMessage(GetJobs.class, this::onGetJobs)
        .onMessage(GetJob.class, this::onGetJob)
        .onMessage(ResultRecorded.class, this::onResultRecorded)
        .onMessage(JobEnded.class, this::onJobEnded)
        .build();
  }

  private Behavior<Command> onSubmit(Submit m) {
    getContext().ask(DeviceRegistry.Devices.class, registry, settings.askTimeout(), DeviceRegistry.GetDevices::new,
        (devices, ex) -> devices != null ? new DevicesForSubmit(m, devices.devices(), null)
            : new DevicesForSubmit(m, null, "device registry did not answer: " + ex.getMessage()));
    return this;
  }

  private Behavior<Command> onDevicesForSubmit(DevicesForSubmit m) {
    ActorRef<SubmitReply> replyTo = m.submit().replyTo();
    if (m.devices() == null) {
      replyTo.tell(new Rejected(RejectionKind.UNAVAILABLE, m.failure()));
      return this;
    }
    JobRequest q = m.submit().request();
    Optional<DeviceView> device = find(m.devices(), q.deviceId());
    if (device.isEmpty()) {
      replyTo.tell(new Rejected(RejectionKind.UNKNOWN_DEVICE, "unknown device '" + q.deviceId() + "'"));
      return this;
    }
    DeviceView d = device.get();
    if (!d.capabilitiesKnown()) {
      replyTo.tell(new Rejected(RejectionKind.UNPROCESSABLE,
          "device '" + q.deviceId() + "' has not announced its capabilities (no hello yet)"));
      return this;
    }
    if (!d.online()) {
      replyTo.tell(new Rejected(RejectionKind.DEVICE_OFFLINE, "device '" + q.deviceId() + "' is offline"));
      return this;
    }
    if (d.leasedBy() != null) {
      replyTo.tell(new Rejected(RejectionKind.LEASED,
          "device '" + q.deviceId() + "' is leased by experiment '" + d.leasedBy() + "'"));
      return this;
    }
    CapabilityCheck.Capabilities caps = capabilities(d);
    Optional<CapabilityCheck.Problem> problem =
        CapabilityCheck.check(caps, q.model(), q.target(), q.precision(), q.dvfsLevelMHz());
    String offloadUrl = null;
    if (problem.isEmpty() && q.offloaded()) {
      Optional<DeviceView> peer = find(m.devices(), q.offloadTo());
      if (peer.isEmpty() || !peer.get().capabilitiesKnown()) {
        replyTo.tell(new Rejected(RejectionKind.UNPROCESSABLE, "unknown offload peer '" + q.offloadTo() + "'"));
        return this;
      }
      if (!peer.get().online()) {
        replyTo.tell(new Rejected(RejectionKind.DEVICE_OFFLINE, "offload peer '" + q.offloadTo() + "' is offline"));
        return this;
      }
      if (peer.get().leasedBy() != null) {
        replyTo.tell(new Rejected(RejectionKind.LEASED,
            "offload peer '" + q.offloadTo() + "' is leased by experiment '" + peer.get().leasedBy() + "'"));
        return this;
      }
      problem = CapabilityCheck.checkOffloadPeer(capabilities(peer.get()), peer.get().endpoint(), q.model());
      offloadUrl = peer.get().endpoint();
    }
    if (problem.isPresent()) {
      replyTo.tell(new Rejected(RejectionKind.UNPROCESSABLE, problem.get().message()));
      return this;
    }
    Precision precision = q.precision() != null ? q.precision() : CapabilityCheck.defaultPrecision(caps, q.model(), q.target());
    long timeoutMs = q.timeoutMs() != null ? q.timeoutMs() : settings.job().inferenceTimeout().toMillis();
    JobRequest resolved = q.withDefaults(precision, timeoutMs);
    Instant now = clock.instant();
    String jobId = "job-" + ID_TIME.format(now) + "-" + (++seq);
    Job job = new Job(jobId, resolved, now.getEpochSecond() * 1_000_000_000L + now.getNano());
    jobs.put(jobId, job);
    // The twin answers every request by itself within timeout + grace; the runner's own limit only guards a lost twin.
    Duration askTimeout = Duration.ofMillis(timeoutMs).plus(settings.job().replyGrace()).plus(settings.askTimeout());
    getContext().spawn(
        JobRunner.create(jobId, resolved, offloadUrl, DeviceRegistry.twin(registry, q.deviceId()), getContext().getSelf(),
            askTimeout),
        jobId);
    replyTo.tell(new Accepted(job.view(false)));
    return this;
  }

  private Behavior<Command> onGetJobs(GetJobs m) {
    m.replyTo().tell(new Jobs(jobs.values().stream().map(j -> j.view(false)).toList()));
    return this;
  }

  private Behavior<Command> onGetJob(GetJob m) {
    Job job = jobs.get(m.jobId());
    m.replyTo().tell(job == null ? new JobNotFound(m.jobId()) : new JobFound(job.view(true)));
    return this;
  }

  private Behavior<Command> onResultRecorded(ResultRecorded m) {
    Job job = jobs.get(m.jobId());
    if (job != null) job.results.add(m.result());
    return this;
  }

  private Behavior<Command> onJobEnded(JobEnded m) {
    Job job = jobs.get(m.jobId());
    if (job != null) {
      job.status = m.status();
      job.error = m.error();
      Instant now = clock.instant();
      job.finishedNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
    return this;
  }

  private static Optional<DeviceView> find(List<DeviceView> devices, String id) {
    return devices.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  private static CapabilityCheck.Capabilities capabilities(DeviceView d) {
    return new CapabilityCheck.Capabilities(d.id(), d.targets(), d.models());
  }
}
