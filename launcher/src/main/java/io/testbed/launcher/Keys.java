package io.testbed.launcher;

/** Orchestrator configuration keys the launcher overrides from its command-line options. */
final class Keys {
  static final String HTTP_PORT = "testbed.orchestrator.http.port";
  static final String BROKER_PORT = "testbed.orchestrator.embedded-broker.port";
  static final String INFLUX_URL = "testbed.orchestrator.influx.url";
  static final String DATA_DIR = "testbed.orchestrator.data-dir";
  static final String TOKEN = "testbed.orchestrator.api-token";

  private Keys() {}
}
