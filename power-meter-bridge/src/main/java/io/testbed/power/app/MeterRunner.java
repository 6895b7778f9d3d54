package io.testbed.power.app;

import io.testbed.power.pipeline.Backoff;
import io.testbed.power.pipeline.SampleBatcher;
import io.testbed.power.pipeline.TimestampFilter;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.SamplePublisher;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.SchemaVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One meter's loop on its own thread: start the adapter, poll it on schedule, drop duplicated and backwards
 * timestamps, batch, publish. When the adapter fails (disconnect, garbage) its samples stop with a WARN, an error
 * counter and a {@code meter-failed} event; the adapter is closed and restarted after an exponential backoff. Other
 * meters run on their own threads and are not affected.
 */
public final class MeterRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeterRunner.class);

  private final MeterAdapter adapter;
  private final SamplePublisher publisher;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final TimeSource time;
  private final TimestampFilter filter = new TimestampFilter();
  private final SampleBatcher batcher;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile MeterStatus.State state = MeterStatus.State.STARTING;
  private volatile String lastError;
  private long nextDropWarning = 1;
  private final AtomicLong samplesRead = new AtomicLong();
  private final AtomicLong samplesPublished = new AtomicLong();
  private final AtomicLong batchesPublished = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong nonMonotonic = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();

  public MeterRunner(MeterAdapter adapter, SamplePublisher publisher, Duration batchInterval, int batchMaxSamples, Backoff backoff,
      RandomGenerator random, TimeSource time) {
    this.adapter = adapter;
    this.publisher = publisher;
    this.backoff = backoff;
    this.random = random;
    this.time = time;
    this.batcher = new SampleBatcher(adapter.info(), batchInterval, batchMaxSamples);
    this.thread = new Thread(this::loop, "power-meter-" + adapter.meterId());
  }

  public MeterRunner startThread() {
    thread.start();
    return this;
  }

  public String meterId() { return adapter.meterId(); }

  public MeterStatus status() {
    return new MeterStatus(adapter.meterId(), adapter.deviceId(), state, samplesRead.get(), samplesPublished.get(), batchesPublished.get(),
        duplicates.get(), nonMonotonic.get(), failures.get(), restarts.get(), publishFailures.get(), lastError);
  }

  private void loop() {
    MDC.put("meter", adapter.meterId());
    MDC.put("device", adapter.deviceId());
    long intervalNs = adapter.pollInterval().toNanos();
    int attempt = 0;
    boolean started = false;
    boolean everStarted = false;
    long nextPoll = time.monotonicNanos();
    while (running) {
      if (!started) {
        try {
          adapter.start();
          started = true;
          if (everStarted) {
            restarts.incrementAndGet();
            log.info("meter {} reconnected", adapter.meterId());
          } else {
            log.info("meter {} started ({} Hz, bound to {})", adapter.meterId(), adapter.nominalRateHz(), adapter.deviceId());
          }
          everStarted = true;
          state = MeterStatus.State.RUNNING;
          nextPoll = time.monotonicNanos();
        } catch (MeterException | RuntimeException e) {
          fail(e, attempt++);
          continue;
        }
      }
      List<PowerSample> samples;
      try {
        samples = adapter.poll();
        if (!samples.isEmpty()) attempt = 0; // only real readings prove the meter is back
      } catch (MeterException | RuntimeException e) {
        started = false;
        fail(e, attempt++);
        continue;
      }
      accept(samples);
      long now = time.monotonicNanos();
      while (batcher.due(now)) publish(batcher.drain(time.epochNanos(), now));
      if (adapter.exhausted()) {
        flushAll();
        state = MeterStatus.State.FINISHED;
        log.info("meter {} finished: {} samples published", adapter.meterId(), samplesPublished.get());
        break;
      }
      nextPoll += intervalNs;
      if (nextPoll < now) nextPoll = now; // late: skip the missed ticks rather than burst
      LockSupport.parkNanos(nextPoll - now);
    }
    adapter.close();
    flushAll();
    if (state != MeterStatus.State.FINISHED) state = MeterStatus.State.STOPPED;
    MDC.clear();
  }

  private void accept(List<PowerSample> samples) {
    long now = time.monotonicNanos();
    for (PowerSample s : samples) {
      samplesRead.incrementAndGet();
      switch (filter.check(s)) {
        case ACCEPTED -> batcher.add(s, now);
        case DUPLICATE -> duplicates.incrementAndGet();
        case NON_MONOTONIC -> nonMonotonic.incrementAndGet();
      }
    }
    // WARN on the first drop and then once per thousand, so a Monsoon capture full of repeats does not flood the log
    long dropped = filter.duplicates() + filter.nonMonotonic();
    if (dropped >= nextDropWarning) {
      log.warn("meter {}: dropped {} duplicated and {} backwards timestamps so far", adapter.meterId(), filter.duplicates(), filter.nonMonotonic());
      nextDropWarning = (dropped / 1000 + 1) * 1000;
    }
  }

  private void fail(Exception e, int attempt) {
    adapter.close();
    flushAll();
    failures.incrementAndGet();
    lastError = e.getMessage();
    state = MeterStatus.State.BACKOFF;
    Duration delay = backoff.delay(attempt, random);
    log.warn("meter {} failed: {}; samples stop, retrying in {} ms", adapter.meterId(), e.getMessage(), delay.toMillis());
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    publisher.publishEvent(adapter.meterId(),
        new ErrorReply(SchemaVersion.CURRENT, adapter.deviceId(), Math.max(0, time.epochNanos()), null, "meter-failed",
            "meter " + adapter.meterId() + ": " + message));
    long until = time.monotonicNanos() + delay.toNanos();
    long left;
    while (running && (left = until - time.monotonicNanos()) > 0) LockSupport.parkNanos(left);
  }

  private void flushAll() {
    long now = time.monotonicNanos();
    PowerSampleBatch b;
    while ((b = batcher.drain(time.epochNanos(), now)) != null) publish(b);
  }

  private void publish(PowerSampleBatch batch) {
    int n = batch.samples().size();
    publisher.publish(batch).thenAccept(r -> {
      if (r.delivered()) {
        samplesPublished.addAndGet(n);
        batchesPublished.incrementAndGet();
      } else {
        publishFailures.incrementAndGet();
        log.warn("meter {}: batch of {} samples not published: {}", adapter.meterId(), n, r.error());
      }
    });
  }

  /** Stops the loop, closes the adapter and publishes what is pending; waits up to {@code timeout}. */
  public void stop(Duration timeout) {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the loop has ended (a finished import, or after {@link #stop}). */
  public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    thread.join(unit.toMillis(timeout));
    return !thread.isAlive();
  }

  @Override
  public void close() { stop(Duration.ofSeconds(5)); }
}
