package io.testbed.cloud.app;

import com.typesafe.config.Config;
import io.testbed.agent.app.AgentOptions;
import io.testbed.agent.app.DeviceAgentCommand;
import io.testbed.agent.config.AgentSettings;
import io.testbed.cloud.config.CloudSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cloud-agent}: an inference server for offloads plus an agent of kind cloud, until SIGTERM/SIGINT. */
@Command(
    name = "cloud-agent",
    mixinStandardHelpOptions = true,
    description = "Runs an inference server for offloaded requests that registers over MQTT like any device.")
public final class CloudAgentCommand implements Callable<Integer> {
  @Mixin AgentOptions options = new AgentOptions();

  @Option(names = "--http-host", description = "Address the inference server binds (default 127.0.0.1).")
  String httpHost;

  @Option(names = "--http-port", description = "Port of the inference server; 0 = a free one (default 0).")
  Integer httpPort;

  @Option(names = "--workers", description = "Inference worker threads (default 2).")
  Integer workers;

  @Option(names = "--queue-capacity", description = "Requests waiting for a worker before 503 (default 16).")
  Integer queueCapacity;

  @Override
  public Integer call() {
    AgentSettings agent;
    CloudSettings cloud;
    try {
      Config base = options.config();
      cloud = CloudSettings.fromConfig(base);
      options.defaultProfile(cloud.defaultProfile());
      agent = options.agentSettings();
      if (httpHost != null) cloud = cloud.withHost(httpHost);
      if (httpPort != null) cloud = cloud.withPort(httpPort);
      if (workers != null || queueCapacity != null) {
        cloud = cloud.withPool(workers != null ? workers : cloud.workers(), queueCapacity != null ? queueCapacity : cloud.queueCapacity());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("cloud-agent: " + e.getMessage());
      return 2;
    }
    RunningCloudAgent running = CloudAgent.start(agent, cloud);
    DeviceAgentCommand.runUntilSignalled(running);
    return 0;
  }

  public static void main(String[] args) {
    DeviceAgentCommand.defaultLogging();
    System.exit(new CommandLine(new CloudAgentCommand()).execute(args));
  }
}
