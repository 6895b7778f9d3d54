package io.testbed.agent.port;

import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import java.time.Duration;

/** Sends one inference to a peer's inference server (the offload HTTP contract); never throws, failures are values. */
public interface OffloadPort {
  OffloadResponse infer(OffloadRequest request, Duration timeout);

  /** One offloaded inference: the peer's base URL and the real input tensor (one batch, row-major). */
  record OffloadRequest(
      String baseUrl, String model, Precision precision, int batchSize, String requesterId, String correlationId, float[] input) {}

  /** What came back from the peer. */
  sealed interface OffloadResponse {
    long bytesSent();

    double roundTripMs();
  }

  /** The peer computed: its output, shape, compute time, digest and id. */
  record Computed(
      float[] output,
      long[] shape,
      double peerComputeMs,
      String digest,
      String executedOn,
      long bytesSent,
      long bytesReceived,
      double roundTripMs)
      implements OffloadResponse {}

  /** The peer could not be reached, refused, failed or took too long ({@code outcome} FAILED or TIMEOUT). */
  record NotComputed(Outcome outcome, String reason, long bytesSent, double roundTripMs) implements OffloadResponse {}
}
