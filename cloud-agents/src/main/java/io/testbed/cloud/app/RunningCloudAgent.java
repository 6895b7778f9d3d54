package io.testbed.cloud.app;

import io.testbed.agent.app.RunningAgent;
import io.testbed.cloud.http.InferenceServer;
import io.testbed.cloud.http.InferenceService;
import io.testbed.inference.InferenceEngine;

/** A started cloud agent: its agent runtime and its inference server. {@link #close()} stops both (offline state first). */
public final class RunningCloudAgent implements AutoCloseable {
  private final RunningAgent agent;
  private final InferenceServer server;
  private final InferenceEngine engine;

  RunningCloudAgent(RunningAgent agent, InferenceServer server, InferenceEngine engine) {
    this.agent = agent;
    this.server = server;
    this.engine = engine;
  }

  /** Base URL of the inference server (the hello's {@code endpoint}); POST {@code endpoint() + "/v1/infer"}. */
  public String endpoint() { return server.url(); }

  public String deviceId() { return agent.deviceId(); }

  public RunningAgent agent() { return agent; }

  /** The recommendation server behind {@code endpoint() + "/v1/rec"}, if this agent serves recommendation models. */
  public java.util.Optional<io.testbed.cloud.rec.RecServer> rec() { return server.rec(); }

  /** Counters of the server: served, bad requests (400), rejected (503), failed (500). */
  public InferenceService service() { return server.service(); }

  @Override
  public void close() {
    agent.close();
    server.close();
    engine.close();
  }
}
