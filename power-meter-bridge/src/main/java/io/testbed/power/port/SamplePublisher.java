package io.testbed.power.port;

import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSampleBatch;
import java.util.concurrent.CompletionStage;

/** Where the bridge sends batches and meter events (MQTT in production, a list in tests). Futures never fail: errors come back as values. */
public interface SamplePublisher {
  CompletionStage<PublishResult> publish(PowerSampleBatch batch);

  /** A meter failed (disconnected, garbage); published beside its power topic so operators see why samples stopped. */
  CompletionStage<PublishResult> publishEvent(String meterId, ErrorReply event);

  /** Outcome of one publish. */
  record PublishResult(boolean delivered, String error) {
    public static final PublishResult OK = new PublishResult(true, null);

    public static PublishResult failed(String error) { return new PublishResult(false, error); }
  }
}
