package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.port.TelemetryPoint;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/** Converts {@link TelemetryPoint}s to influxdb-java points (and so to line protocol, escaped by the client library). */
final class Points {
  private Points() {}

  static Point toInflux(TelemetryPoint p) {
    Point.Builder b = Point.measurement(p.measurement()).time(p.timestampNs(), TimeUnit.NANOSECONDS).tag(p.tags());
    for (Map.Entry<String, Number> f : p.fields().entrySet()) {
      Number v = f.getValue();
      if (v instanceof Long l) b.addField(f.getKey(), l.longValue());
      else b.addField(f.getKey(), v.doubleValue());
    }
    p.textFields().forEach(b::addField);
    return b.build();
  }

  static String lineProtocol(TelemetryPoint p) {
    return toInflux(p).lineProtocol(TimeUnit.NANOSECONDS);
  }
}
