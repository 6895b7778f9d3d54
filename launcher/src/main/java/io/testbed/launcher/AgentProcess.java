package io.testbed.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An agent child process of the all-in-one: same JVM binary and class path, its own log file. */
final class AgentProcess implements AutoCloseable {
  final FleetMember member;
  final Path log;
  private final Process process;

  private AgentProcess(FleetMember member, Path log, Process process) {
    this.member = member;
    this.log = log;
    this.process = process;
  }

  static AgentProcess start(FleetMember m, String brokerUrl, List<String> jvmOptions, Path logDir, io.testbed.inference.ModelCache cache) {
    List<String> args = new ArrayList<>();
    args.add(m.servesOffload() ? "cloud-agent" : "device-agent");
    args.addAll(List.of("--id", m.id(), "--profile", m.profile(), "--broker", brokerUrl));
    if (m.servesOffload()) args.addAll(List.of("--http-port", "0"));
    if (m.recModels() != null) args.addAll(List.of("--rec-models", m.recModels()));
    // Same model cache as the launcher, which filled it.
    return launch(m, args, jvmOptions, logDir, Map.of(io.testbed.inference.ModelCache.ENV, cache.enabled() ? cache.dir().toString() : "off"));
  }

  /** The all-in-one's power bridge: its config resource written beside the logs, then {@code Testbed power-bridge}. */
  static AgentProcess startPowerBridge(String configResource, String brokerUrl, List<String> jvmOptions, Path logDir) {
    try (java.io.InputStream in = AgentProcess.class.getClassLoader().getResourceAsStream(configResource)) {
      if (in == null) throw new IllegalStateException("power bridge config resource not found: " + configResource);
      Files.createDirectories(logDir);
      Path conf = logDir.resolve("power-bridge.conf");
      Files.write(conf, in.readAllBytes());
      return launch(new FleetMember("power-bridge", "power-bridge", false, null),
          List.of("power-bridge", "--config", conf.toString(), "--broker", brokerUrl), jvmOptions, logDir, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the power bridge", e);
    }
  }

  private static AgentProcess launch(FleetMember m, List<String> args, List<String> jvmOptions, Path logDir, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    // Agents log INFO to stdout, which goes to runs/logs/<id>.log.
    cmd.add("-Dlogback.configurationFile=io/testbed/agent/agent-logback.xml");
    cmd.add(Testbed.class.getName());
    cmd.addAll(args);
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(m.id() + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      // The class path goes in the environment, not on the command line: ONNX Runtime 1.29 crashed at start-up in
      // processes whose /proc/self/cmdline exceeded ~4 KB (see device-agents DeviceAgent.warnIfCommandLineTooLong).
      pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
      pb.environment().putAll(env);
      Process p = pb.start();
      return new AgentProcess(m, log, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start agent " + m.id(), e);
    }
  }

  boolean isAlive() { return process.isAlive(); }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** SIGTERM first so the agent publishes its offline state and removes its CPU cap; then force. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
