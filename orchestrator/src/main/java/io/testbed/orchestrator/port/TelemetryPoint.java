package io.testbed.orchestrator.port;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One time-series point (InfluxDB model): measurement, tags, numeric fields, epoch-ns timestamp.
 * Fields hold {@link Double} or {@link Long} values only; null-valued fields are dropped when built.
 */
public record TelemetryPoint(String measurement, Map<String, String> tags, Map<String, Number> fields, long timestampNs) {

  public TelemetryPoint {
    if (measurement == null || measurement.isBlank()) throw new IllegalArgumentException("measurement is required");
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    if (fields.isEmpty()) throw new IllegalArgumentException("a point needs at least one field: " + measurement);
  }

  public static Builder builder(String measurement, long timestampNs) {
    return new Builder(measurement, timestampNs);
  }

  /** Collects tags and fields, skipping nulls so optional telemetry values simply go missing. */
  public static final class Builder {
    private final String measurement;
    private final long timestampNs;
    private final Map<String, String> tags = new TreeMap<>();
    private final Map<String, Number> fields = new LinkedHashMap<>();

    private Builder(String measurement, long timestampNs) {
      this.measurement = measurement;
      this.timestampNs = timestampNs;
    }

    public Builder tag(String key, String value) {
      if (value != null && !value.isEmpty()) tags.put(key, value);
      return this;
    }

    public Builder field(String key, Double value) {
      if (value != null && Double.isFinite(value)) fields.put(key, value);
      return this;
    }

    public Builder field(String key, Long value) {
      if (value != null) fields.put(key, value);
      return this;
    }

    public Builder field(String key, Integer value) {
      if (value != null) fields.put(key, value.longValue());
      return this;
    }

    public TelemetryPoint build() {
      return new TelemetryPoint(measurement, tags, fields, timestampNs);
    }
  }
}
