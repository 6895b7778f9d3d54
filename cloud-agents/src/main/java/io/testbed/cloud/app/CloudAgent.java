package io.testbed.cloud.app;

import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.TargetProfile;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.power.ActivityLog;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.http.InferenceServer;
import io.testbed.cloud.http.InferenceService;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a cloud agent: an inference server for offloaded requests plus the device agent runtime (kind from the
 * profile, {@code cloud} by default) whose hello carries the server's URL as {@code endpoint}. Both share one engine
 * and one activity log, so the agent's heartbeats and modelled power include the offloads it serves.
 */
public final class CloudAgent {
  private static final Logger LOG = LoggerFactory.getLogger(CloudAgent.class);

  private CloudAgent() {}

  public static RunningCloudAgent start(AgentSettings agent, CloudSettings cloud) {
    InferenceEngine engine = new InferenceEngine(ModelZoo.of(agent.models()), agent.threads());
    ActivityLog activity = new ActivityLog();
    InferenceServer server = null;
    try {
      TargetProfile cpu = agent.profile().targets().stream().filter(t -> !t.modelled()).findFirst()
          .orElse(agent.profile().targets().get(0));
      InferenceService service = new InferenceService(agent.deviceId(), engine, agent.models(), cloud.workers(), cloud.queueCapacity(),
          activity, cpu.busyW(null), AgentClock.SYSTEM);
      server = InferenceServer.start(cloud, service);
      RunningAgent running = DeviceAgent.builder(agent.withEndpoint(server.url())).engine(engine).activity(activity).start();
      LOG.info("cloud agent {} serving offloads at {}", agent.deviceId(), server.url());
      return new RunningCloudAgent(running, server, engine);
    } catch (RuntimeException e) {
      if (server != null) server.close();
      engine.close();
      throw e;
    }
  }
}
