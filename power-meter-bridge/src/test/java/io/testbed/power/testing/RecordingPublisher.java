package io.testbed.power.testing;

import io.testbed.power.port.SamplePublisher;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory {@link SamplePublisher} that keeps every batch and event. */
public final class RecordingPublisher implements SamplePublisher {
  public final List<PowerSampleBatch> batches = new CopyOnWriteArrayList<>();
  public final List<ErrorReply> events = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<PublishResult> publish(PowerSampleBatch batch) {
    batches.add(batch);
    return CompletableFuture.completedFuture(PublishResult.OK);
  }

  @Override
  public CompletionStage<PublishResult> publishEvent(String meterId, ErrorReply event) {
    events.add(event);
    return CompletableFuture.completedFuture(PublishResult.OK);
  }

  public List<PowerSample> samples(String meterId) {
    return batches.stream().filter(b -> b.meterId().equals(meterId)).flatMap(b -> b.samples().stream()).toList();
  }
}
