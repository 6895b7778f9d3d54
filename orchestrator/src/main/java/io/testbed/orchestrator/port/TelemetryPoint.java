package io.testbed.orchestrator.port;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One time-series point (InfluxDB model): measurement, tags, numeric fields, optional string fields (e.g. an event's
 * message), epoch-ns timestamp. Numeric fields hold {@link Double} or {@link Long} values only; null-valued fields are
 * dropped when built.
 */
public record TelemetryPoint(
    String measurement, Map<String, String> tags, Map<String, Number> fields, Map<String, String> textFields, long timestampNs) {

  public TelemetryPoint {
    if (measurement == null || measurement.isBlank()) throw new IllegalArgumentException("measurement is required");
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    textFields = textFields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(textFields));
    if (fields.isEmpty()) throw new IllegalArgumentException("a point needs at least one numeric field: " + measurement);
  }

  /** A point with numeric fields only. */
  public TelemetryPoint(String measurement, Map<String, String> tags, Map<String, Number> fields, long timestampNs) {
    this(measurement, tags, fields, Map.of(), timestampNs);
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
    private final Map<String, String> textFields = new LinkedHashMap<>();

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

    /** A string field (InfluxDB field of type string), e.g. an event's message. */
    public Builder text(String key, String value) {
      if (value != null) textFields.put(key, value);
      return this;
    }

    public TelemetryPoint build() {
      return new TelemetryPoint(measurement, tags, fields, textFields, timestampNs);
    }
  }
}
