package io.testbed.cloud.app;

import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.TargetProfile;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.power.ActivityLog;
import io.testbed.agent.adapter.mqtt.PahoMqttAdapter;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.config.RecSettings;
import io.testbed.cloud.rec.RecServer;
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

  /** A cloud agent without recommendation serving. */
  public static RunningCloudAgent start(AgentSettings agent, CloudSettings cloud) { return start(agent, cloud, null); }

  /**
   * A cloud agent that also serves recommendation queries under {@code /v1/rec} (when {@code rec} is non-null and
   * lists models) and lists those models in its hello.
   */
  public static RunningCloudAgent start(AgentSettings agent, CloudSettings cloud, RecSettings rec) {
    InferenceEngine engine = new InferenceEngine(ModelZoo.of(agent.models()), agent.threads());
    ActivityLog activity = new ActivityLog();
    InferenceServer server = null;
    RecServer recServer = null;
    try {
      if (rec != null && rec.enabled()) recServer = RecServer.start(rec);
      TargetProfile cpu = agent.profile().targets().stream().filter(t -> !t.modelled()).findFirst()
          .orElse(agent.profile().targets().get(0));
      InferenceService service = new InferenceService(agent.deviceId(), engine, agent.models(), cloud.workers(), cloud.queueCapacity(),
          activity, cpu.busyW(null), AgentClock.SYSTEM);
      server = InferenceServer.start(cloud, service, recServer);
      recServer = null; // closed with the server from here on
      DeviceAgent.Builder builder = DeviceAgent.builder(agent.withEndpoint(server.url())).engine(engine).activity(activity);
      if (server.rec().isPresent()) {
        builder.mqtt(new RecHelloPort(new PahoMqttAdapter(agent.mqtt()), agent.deviceId(), server.rec().get().modelInfos()));
      }
      RunningAgent running = builder.start();
      LOG.info("cloud agent {} serving offloads at {}", agent.deviceId(), server.url());
      return new RunningCloudAgent(running, server, engine);
    } catch (RuntimeException e) {
      if (server != null) server.close();
      if (recServer != null) recServer.close();
      engine.close();
      throw e;
    }
  }
}
