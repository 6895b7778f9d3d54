package io.testbed.cloud.app;

import com.typesafe.config.Config;
import io.testbed.agent.app.AgentOptions;
import io.testbed.agent.app.DeviceAgentCommand;
import io.testbed.agent.config.AgentSettings;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.config.RecSettings;
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

  @Option(names = "--rec-models", description = "Recommendation models served under /v1/rec, comma-separated; 'none' = off "
      + "(default dlrm-rmc1,dlrm-rmc2,dlrm-rmc3).")
  String recModels;

  @Option(names = "--rec-scale", description = "Row scale of the recommendation models; 0 = each model's default (default 0).")
  Double recScale;

  @Option(names = "--rec-workers", description = "Recommendation CPU workers, each with its own sessions (default 2).")
  Integer recWorkers;

  @Option(names = "--rec-instances", description = "Co-located copies of every recommendation model (default 1).")
  Integer recInstances;

  @Option(names = "--rec-queue-capacity", description = "Recommendation queries admitted and unfinished before 503 (default 64).")
  Integer recQueueCapacity;

  @Option(names = "--rec-batch-size", description = "Initial per-core batch size B (default 64).")
  Integer recBatchSize;

  @Option(names = "--rec-accelerator-threshold", description = "Initial accelerator threshold T; max-items + 1 = never (default 1025).")
  Integer recThreshold;

  @Override
  public Integer call() {
    AgentSettings agent;
    CloudSettings cloud;
    RecSettings rec;
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
      rec = recSettings(base);
    } catch (IllegalArgumentException e) {
      System.err.println("cloud-agent: " + e.getMessage());
      return 2;
    }
    RunningCloudAgent running = CloudAgent.start(agent, cloud, rec);
    DeviceAgentCommand.runUntilSignalled(running);
    return 0;
  }

  /** testbed.cloud.rec from the configuration with the --rec-* options applied. */
  RecSettings recSettings(Config base) {
    RecSettings rec = RecSettings.fromConfig(base);
    if (recModels != null) rec = rec.withModels(RecSettings.parseModels(recModels));
    if (recScale != null) rec = rec.withScale(recScale);
    if (recWorkers != null || recInstances != null || recQueueCapacity != null) {
      rec = rec.withPool(recWorkers != null ? recWorkers : rec.workers(), recInstances != null ? recInstances : rec.instances(),
          recQueueCapacity != null ? recQueueCapacity : rec.queueCapacity());
    }
    if (recBatchSize != null || recThreshold != null) {
      rec = rec.withBatching(recBatchSize != null ? recBatchSize : rec.batchSize(), recThreshold != null ? recThreshold : rec.acceleratorThreshold());
    }
    return rec;
  }

  public static void main(String[] args) {
    DeviceAgentCommand.defaultLogging();
    System.exit(new CommandLine(new CloudAgentCommand()).execute(args));
  }
}
