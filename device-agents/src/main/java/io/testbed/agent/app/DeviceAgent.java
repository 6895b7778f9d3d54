package io.testbed.agent.app;

import io.testbed.agent.adapter.cgroup.CgroupV1CpuCap;
import io.testbed.agent.adapter.http.HttpOffloadClient;
import io.testbed.agent.adapter.mqtt.PahoMqttAdapter;
import io.testbed.agent.adapter.shaper.RelayShaper;
import io.testbed.agent.adapter.shaper.TcShaper;
import io.testbed.agent.adapter.sysfs.SysfsCpuFrequency;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.AutoScaleSettings;
import io.testbed.agent.exec.ControlHandler;
import io.testbed.agent.interference.InterferenceGenerator;
import io.testbed.agent.network.NetworkState;
import io.testbed.agent.port.CpuFrequency;
import io.testbed.agent.port.EnergyMeter;
import io.testbed.agent.port.NetworkShaper;
import io.testbed.agent.power.RadioEnergyModel;
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
    private NetworkShaper shaper;
    private CpuFrequency cpuFrequency;
    private EnergyMeter energyMeter = EnergyMeter.NONE;
    private io.testbed.agent.config.SensorSettings sensorSettings;

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

    /** The network shaper of the offload links (default: from {@code network.shaper}); not closed by the agent. */
    public Builder shaper(NetworkShaper s) { this.shaper = s; return this; }

    /** Real DVFS control (default: cpufreq sysfs on real devices, none when emulated). */
    public Builder cpuFrequency(CpuFrequency f) { this.cpuFrequency = f; return this; }

    /** A bound power meter whose energy replaces the modelled one (default: none, energy modelled). */
    public Builder energyMeter(EnergyMeter m) { this.energyMeter = m; return this; }

    /** A sensor node's settings (default: {@code testbed.agent.sensor} of reference.conf); used when the profile's kind is sensor. */
    public Builder sensor(io.testbed.agent.config.SensorSettings s) { this.sensorSettings = s; return this; }

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
      NetworkShaper shaperToClose = null;
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
        AutoScaleSettings auto = settings.autoscale();
        NetworkState network = new NetworkState(auto.rssiMap(), auto.limits(), auto.defaultLink(), auto.cloudLinks());
        boolean ownsShaper = shaper == null;
        NetworkShaper netShaper = ownsShaper ? shaper(auto) : shaper;
        shaperToClose = ownsShaper ? netShaper : null;
        CpuFrequency freq = cpuFrequency != null ? cpuFrequency
            : settings.emulated() ? CpuFrequency.unavailable("emulated: a DVFS level is a CPU cap of share x f/fmax")
            : SysfsCpuFrequency.probe(auto.cpufreqRoot());
        double capacityCores = settings.emulated() ? Math.min(1.0, settings.profile().cpuShare()) : Runtime.getRuntime().availableProcessors();
        InterferenceGenerator interference = new InterferenceGenerator(id, capacityCores, auto.memoryBufferMb(),
            auto.interferencePeriod().toMillis(), clock.monotonicNs());
        List<String> extraNotes = new java.util.ArrayList<>();
        extraNotes.add("offload links shaped by " + netShaper.kind() + (netShaper.kind().equals("relay") ? " (in-process TCP relay: delay, jitter, rate, loss as retransmission delay)" : ""));
        extraNotes.add("offload energy is modelled: radio power by technology, RSSI and direction, plus tail energy");
        if (!settings.emulated()) extraNotes.add(freq.available() ? "DVFS levels set for real through cpufreq (userspace governor)" : freq.reason());
        if (settings.profile().kind() == io.testbed.protocol.DeviceKind.SENSOR
            && settings.models().contains((sensorSettings != null ? sensorSettings : io.testbed.agent.config.SensorSettings.defaults()).model())) {
          extraNotes.add("sensor node: frame commands (target 'frame', inputSeed = frame index) in modes nsp/cap/far (SetMode); "
              + "temperature " + (settings.emulated() ? "modelled (two-stage RC)" : "from thermal zones, plausibility-filtered")
              + "; SetMode 'env' with farUrl 'ambientC=..&lighting=..' sets the environment");
        }
        HelloFactory hello = new HelloFactory(settings, eng.zoo(), cap, zones.present(), HelloFactory.ortVersion(), extraNotes);
        for (String n : hello.notes()) LOG.info("{}: note: {}", id, n);

        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
          Thread t = new Thread(r, "agent-timer-" + id);
          t.setDaemon(true);
          return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        Map<String, List<Precision>> precisions = new LinkedHashMap<>();
        for (String m : settings.models()) precisions.put(m, eng.zoo().model(m).precisions());
        CommandExecutor executor = new CommandExecutor(id, settings.profile(), settings.emulated(), eng, cap, act, off, clock,
            new CommandExecutor.Autoscale(network, netShaper, new RadioEnergyModel(auto.radio(), settings.profile().idleW()), freq,
                auto.int8AgreementEvery(), energyMeter));
        io.testbed.agent.exec.SensorNode sensorNode = null;
        io.testbed.agent.config.SensorSettings ss = settings.profile().kind() == io.testbed.protocol.DeviceKind.SENSOR
            ? (sensorSettings != null ? sensorSettings : io.testbed.agent.config.SensorSettings.defaults()) : null;
        if (ss != null && !settings.models().contains(ss.model())) {
          // e.g. a sensor-node profile run with --models mlp: a plain agent, no frames or modes
          LOG.warn("{}: sensor node features off: its model '{}' is not among the loaded models {}", id, ss.model(), settings.models());
          ss = null;
        }
        if (ss != null) {
          sensorNode = new io.testbed.agent.exec.SensorNode(id, ss, settings.emulated(), eng, off, clock, zones, timer);
          LOG.info("{}: sensor node: {} frames {}x{} at {} fps, mode {}, ambient {} C, temperature {}", id, ss.model(), ss.frames().width(),
              ss.frames().height(), ss.fps(), ss.initialMode().wireName(), ss.thermal().ambientC(), settings.emulated() ? "modelled (RC)" : "thermal zones");
        }
        RunningAgent[] self = new RunningAgent[1];
        CommandHandler handler = new CommandHandler(id, new CommandValidator(id, settings.profile(), precisions), executor,
            msg -> self[0].publishReply(msg), clock, timer, settings.commandQueueCapacity());
        ControlHandler controls = new ControlHandler(id, interference, network, netShaper, msg -> self[0].publishReply(msg), clock);
        handler.controls(controls);
        if (sensorNode != null) {
          handler.sensor(sensorNode);
          controls.sensor(sensorNode);
        }
        HeartbeatSampler heartbeats = new HeartbeatSampler(id, settings.profile().cpuShare(), settings.emulated(),
            HeartbeatSampler::jvmProcessCpuNs, zones, mono -> {
              InterferenceGenerator.Sample co = interference.sample(mono);
              return new HeartbeatSampler.Reading(network.cloudRssiDbm(), network.linkRssiDbm(), co.coRunnerCpuUtilisation(), co.memoryPressure());
            });
        if (sensorNode != null) {
          io.testbed.agent.exec.SensorNode node = sensorNode;
          heartbeats.sensor(() -> {
            io.testbed.agent.exec.SensorNode.Reading t = node.temperature();
            return new HeartbeatSampler.SensorReading(t.temperatureC(), t.source(), node.mode().wireName());
          });
        }
        ModelledPowerMeter meter = new ModelledPowerMeter(id, settings.powerSampleRateHz(), settings.profile().idleW(), act, clock.monotonicNs());
        RunningAgent agent = new RunningAgent(settings, port, eng, ownsEngine, cap, handler, hello, heartbeats, meter, act, timer, clock,
            new RunningAgent.Autoscale(controls, interference, network, netShaper, ownsShaper, auto.schedules()));
        self[0] = agent;
        if (sensorNode != null) agent.sensorNode(sensorNode);
        agent.begin(new MqttPort.Will(Topics.state(id), WireCodec.encode(State.offline(id, clock.epochNs())), 1, true));
        return agent;
      } catch (RuntimeException e) {
        if (shaperToClose != null) shaperToClose.close();
        if (cap != null && cpuCap == null) cap.close();
        if (ownsEngine) eng.close();
        throw e;
      }
    }

    private static NetworkShaper shaper(AutoScaleSettings a) {
      return switch (a.shaper()) {
        case "relay" -> new RelayShaper(new RelayShaper.Settings(a.relay().segmentBytes(), a.relay().rtoMinMs(), a.relay().seed(), a.relay().queueBytes()));
        case "tc" -> new TcShaper(a.tcDevice(), a.tcCommand(), TcShaper.Runner.PROCESS);
        default -> NetworkShaper.none();
      };
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
      io.testbed.inference.ModelCache cache = eng.zoo().cache();
      LOG.info("{}: warmed up {} in {} ms (model cache {}: {} graphs read, {} built)", settings.deviceId(), settings.models(),
          (System.nanoTime() - t0) / 1_000_000, cache.enabled() ? cache.dir() : "off", cache.hits(), cache.builds());
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
