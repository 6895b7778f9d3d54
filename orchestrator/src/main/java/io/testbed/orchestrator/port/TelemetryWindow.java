package io.testbed.orchestrator.port;

import java.util.List;

/** Read side of the recent time series kept in memory: the web page's live stream and a run's series export. */
public interface TelemetryWindow {
  /** Points written after a sequence number, and the sequence number to ask from next time. */
  record Batch(List<TelemetryPoint> points, long next) {}

  /** Points written after sequence number {@code seq} still in the window (start with 0). */
  Batch since(long seq);

  /** The most recent points, oldest first. */
  List<TelemetryPoint> recent();

  /** Every point kept for a run (empty when unknown or evicted), oldest first. */
  List<TelemetryPoint> run(String runId);

  /** The point as an InfluxDB line (ns precision), as written to InfluxDB or the line-protocol files. */
  String lineProtocol(TelemetryPoint point);
}
