package io.testbed.orchestrator.port;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Describes the chosen time-series destination: {@code influxdb} with its URL or {@code line-protocol-files} with the path. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimeseriesInfo(String kind, String url, String database, String path) {
  public static final String INFLUXDB = "influxdb";
  public static final String LINE_PROTOCOL_FILES = "line-protocol-files";
  public static final String MEMORY = "memory";

  public static TimeseriesInfo influx(String url, String database) {
    return new TimeseriesInfo(INFLUXDB, url, database, null);
  }

  public static TimeseriesInfo files(String path) {
    return new TimeseriesInfo(LINE_PROTOCOL_FILES, null, null, path);
  }

  public static TimeseriesInfo memory() {
    return new TimeseriesInfo(MEMORY, null, null, null);
  }

  @Override
  public String toString() {
    return INFLUXDB.equals(kind) ? kind + " at " + url + " (database " + database + ")" : path != null ? kind + " at " + path : kind;
  }
}
