package io.testbed.agent.app;

import io.testbed.agent.adapter.cgroup.CgroupV1CpuCap;
import io.testbed.agent.adapter.http.HttpOffloadClient;
import io.testbed.agent.adapter.mqtt.PahoMqttAdapter;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.TargetProfile;
import io.testbed.agent.exec.CommandExecutor;
import io.testbed.agent.exec.CommandHandler;
import io.testbed.agent.exec.CommandValidator;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.port.MqttPort;
import io.testbed.agent.port.OffloadPort;
import io.testbed.agent.power.ActivityLog;
import io.testbed.agent.power.ModelledPowerMeter;
import io.testbed.agent.telemetry.HeartbeatSampler;
import io.testbed.agent.telemetry.ThermalZones;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ZooModel;
import io.testbed.protocol.Precision;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a device agent: loads its models, caps its CPU, connects to the broker with a last will, announces itself
 * and serves commands until closed. {@code DeviceAgent.start(settings)} wires the real adapters; the builder lets
 * tests and the cloud agent supply their own MQTT port, engine, activity log, CPU cap, offload client or clock.
 */
public final class DeviceAgent {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);

  private DeviceAgent() {}

  public static RunningAgent start(AgentSettings settings) { return builder(settings).start(); }

  public static Builder builder(AgentSettings settings) { return new Builder(settings); }

  /** Optional parts of an agent; anything not given is created from the settings (and then owned by the agent). */
  public static final class Builder {
    private final AgentSettings settings;
    private MqttPort mqtt;
    private InferenceEngine engine;
    private ActivityLog activity;
    private AgentClock clock = AgentClock.SYSTEM;
    private CpuCap cpuCap;
    private OffloadPort offload;
    private ThermalZones thermal = ThermalZones.system();
    private long pid = ProcessHandle.current().pid();

    private Builder(AgentSettings settings) { this.settings = settings; }

    public Builder mqtt(MqttPort p) { this.mqtt = p; return this; }

    /** A shared engine (not closed by the agent); it must hold the settings' models. */
    public Builder engine(InferenceEngine e) { this.engine = e; return this; }

    /** A shared activity log, e.g. one the inference server also writes to, so the meter sees all work. */
    public Builder activity(ActivityLog a) { this.activity = a; return this; }

    public Builder clock(AgentClock c) { this.clock = c; return this; }

    public Builder cpuCap(CpuCap c) { this.cpuCap = c; return this; }

    public Builder offload(OffloadPort o) { this.offload = o; return this; }

    public Builder thermal(ThermalZones t) { this.thermal = t; return this; }

    /** The process to cap (default: this one). */
    public Builder pid(long p) { this.pid = p; return this; }

    public RunningAgent start() {
      String id = settings.deviceId();
      LOG.info("starting agent {} (profile {}, {}, models {}, broker {})", id, settings.profile().name(),
          settings.emulated() ? "emulated" : "real device", settings.models(), settings.mqtt().brokerUrl());
      warnIfCommandLineTooLong();
      boolean ownsEngine = engine == null;
      InferenceEngine eng = ownsEngine ? new InferenceEngine(ModelZoo.of(settings.models()), settings.threads()) : engine;
      CpuCap cap = null;
      try {
        for (String m : settings.models()) {
          if (!eng.zoo().has(m)) throw new IllegalArgumentException("models: '" + m + "' is not in the model zoo " + eng.zoo().names());
        }
        if (settings.warmUp()) warmUp(eng);
        cap = cpuCap != null ? cpuCap : cap(settings, pid);
        if (settings.wantsCpuCap() && !cap.enforced()) LOG.warn("{}: {}", id, cap.reason());
        ActivityLog act = activity != null ? activity : new ActivityLog();
        OffloadPort off = offload != null ? offload : new HttpOffloadClient(settings.offloadConnectTimeout());
        MqttPort port = mqtt != null ? mqtt : new PahoMqttAdapter(settings.mqtt());
        ThermalZones zones = settings.emulated() ? new ThermalZones(java.nio.file.Path.of("/nonexistent")) : thermal;
        HelloFactory hello = new HelloFactory(settings, eng.zoo(), cap, zones.present(), HelloFactory.ortVersion());
        for (String n : hello.notes()) LOG.info("{}: note: {}", id, n);

        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
          Thread t = new Thread(r, "agent-timer-" + id);
          t.setDaemon(true);
          return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        Map<String, List<Precision>> precisions = new LinkedHashMap<>();
        for (String m : settings.models()) precisions.put(m, eng.zoo().model(m).precisions());
        CommandExecutor executor = new CommandExecutor(id, settings.profile(), settings.emulated(), eng, cap, act, off, clock);
        RunningAgent[] self = new RunningAgent[1];
        CommandHandler handler = new CommandHandler(id, new CommandValidator(id, settings.profile(), precisions), executor,
            msg -> self[0].publishReply(msg), clock, timer, settings.commandQueueCapacity());
        HeartbeatSampler heartbeats = new HeartbeatSampler(id, settings.profile().cpuShare(), settings.emulated(),
            HeartbeatSampler::jvmProcessCpuNs, zones);
        ModelledPowerMeter meter = new ModelledPowerMeter(id, settings.powerSampleRateHz(), settings.profile().idleW(), act, clock.monotonicNs());
        RunningAgent agent = new RunningAgent(settings, port, eng, ownsEngine, cap, handler, hello, heartbeats, meter, act, timer, clock);
        self[0] = agent;
        agent.begin(new MqttPort.Will(Topics.state(id), WireCodec.encode(State.offline(id, clock.epochNs())), 1, true));
        return agent;
      } catch (RuntimeException e) {
        if (cap != null && cpuCap == null) cap.close();
        if (ownsEngine) eng.close();
        throw e;
      }
    }

    private void warmUp(InferenceEngine eng) {
      Set<Precision> wanted = EnumSet.noneOf(Precision.class);
      for (TargetProfile t : settings.profile().targets()) wanted.add(t.precision());
      if (!settings.endpoint().isEmpty()) wanted.addAll(List.of(Precision.values())); // serves offloads in any precision
      long t0 = System.nanoTime();
      for (String name : settings.models()) {
        ZooModel m = eng.zoo().model(name);
        for (Precision p : m.precisions()) {
          if (!wanted.contains(p)) continue;
          try {
            eng.warmUp(name, p);
          } catch (InferenceException e) {
            throw new IllegalStateException("cannot load model " + name + " (" + p.wireName() + "): " + e.getMessage(), e);
          }
        }
      }
      LOG.info("{}: warmed up {} in {} ms", settings.deviceId(), settings.models(), (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Above this many bytes of {@code /proc/self/cmdline}, ONNX Runtime 1.29 crashed (SIGSEGV) at start-up on our hosts. */
  static final int ORT_SAFE_CMDLINE_BYTES = 3800;

  /** Says why the process is about to die, since a native crash leaves no Java trace. */
  static void warnIfCommandLineTooLong() {
    try {
      long n = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline")).length;
      if (n > ORT_SAFE_CMDLINE_BYTES) {
        LOG.error("this JVM's command line is {} bytes; ONNX Runtime 1.29 has crashed at start-up above ~4 KB: pass the class path "
            + "in an @argfile or the CLASSPATH environment variable instead of -cp", n);
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: nothing to check
    }
  }

  /** The CPU cap this agent's settings ask for, or a not-enforced one with the reason. */
  static CpuCap cap(AgentSettings s, long pid) {
    if (!s.emulated()) return CpuCap.notEnforced("real device: cpu not capped");
    if (!s.profile().needsCap()) return CpuCap.notEnforced("unrestricted profile: no cpu cap needed");
    if (!s.cpuCap().enabled()) return CpuCap.notEnforced("cpu cap disabled by configuration (--no-cpu-cap)");
    return CgroupV1CpuCap.apply(s.cpuCap().cgroupRoot(), s.deviceId(), pid, s.cpuCap().periodUs(), Math.min(1.0, s.profile().cpuShare()));
  }
}
