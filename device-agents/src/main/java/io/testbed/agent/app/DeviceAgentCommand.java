package io.testbed.agent.app;

import io.testbed.agent.config.AgentSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code device-agent}: runs one device agent until SIGTERM/SIGINT, then shuts it down cleanly. */
@Command(
    name = "device-agent",
    mixinStandardHelpOptions = true,
    description = "Runs a device agent (phone, edge box, sensor node...) against an MQTT broker until stopped.")
public final class DeviceAgentCommand implements Callable<Integer> {
  @Mixin AgentOptions options = new AgentOptions();

  @Override
  public Integer call() {
    AgentSettings settings;
    try {
      settings = options.agentSettings();
    } catch (IllegalArgumentException e) {
      System.err.println("device-agent: " + e.getMessage());
      return 2;
    }
    RunningAgent agent = DeviceAgent.start(settings);
    runUntilSignalled(agent);
    return 0;
  }

  /** Blocks until the JVM is asked to stop (SIGTERM/SIGINT), closing {@code service} in the shutdown hook. */
  public static void runUntilSignalled(AutoCloseable service) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println("shutdown: " + e);
      } finally {
        stopped.countDown();
      }
    }, "agent-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Uses the agent's logging set-up unless one is configured; must run before the first logger is created. */
  public static void defaultLogging() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/testbed/agent/agent-logback.xml");
    }
  }

  public static void main(String[] args) {
    defaultLogging();
    System.exit(new CommandLine(new DeviceAgentCommand()).execute(args));
  }
}
