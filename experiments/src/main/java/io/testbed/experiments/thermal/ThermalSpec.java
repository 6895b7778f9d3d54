package io.testbed.experiments.thermal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.experiments.spec.SpecProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code thermal} experiment (SYSTEMS.md section 4, Stagioni): one sensor node, its far device (an edge box), capture
 * rate, fidelity target, an ambient and lighting schedule, duration, the policies to compare and repetitions. JSON,
 * documented in {@code experiments/README.md}; optional fields are null and get the defaults of {@link #withDefaults}.
 *
 * @param sensorNode the sensor node's device id
 * @param farDevice the far device's id (an edge box serving offloads); required when a policy uses FAR
 * @param captureFps frames per second the node captures (default 30)
 * @param fidelityTargetDb the minimum PSNR of a high-fidelity capture, dB (default 24)
 * @param capturePeriodMs a high-fidelity capture is due every this many ms (default 1000)
 * @param durationS seconds per policy and repetition (default 20)
 * @param policies of {@link #POLICIES} (default all four)
 * @param repetitions how many times each policy runs (default 1)
 * @param environment the ambient and lighting schedule: steps at times since the start of each policy's run
 * @param maxStopMs stop-capture-go's watchdog (default 200)
 * @param hysteresisC seasonal migration's T_high - T_low (default 10)
 * @param coolDownS seconds the node is held in CAP before each policy's run so every policy starts near ambient (default 0)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties({"$schema"})
public record ThermalSpec(
    String name,
    String type,
    String sensorNode,
    String farDevice,
    Double captureFps,
    Double fidelityTargetDb,
    Long capturePeriodMs,
    Double durationS,
    List<String> policies,
    Integer repetitions,
    List<EnvironmentStep> environment,
    Long maxStopMs,
    Double hysteresisC,
    Double coolDownS) {

  public static final String TYPE = "thermal";
  public static final List<String> POLICIES = List.of("all-far", "all-near", "stop-capture-go", "seasonal-migration");

  /** From {@code atMs} on, the ambient temperature and the scene lighting in (0, 1] (null: unchanged). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnvironmentStep(long atMs, Double ambientC, Double lighting) {}

  public ThermalSpec {
    policies = policies == null ? null : List.copyOf(policies);
    environment = environment == null ? null : List.copyOf(environment);
  }

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  public static ThermalSpec read(Path file) throws IOException { return MAPPER.readValue(Files.readAllBytes(file), ThermalSpec.class); }

  public static ThermalSpec parse(String json) throws IOException { return MAPPER.readValue(json, ThermalSpec.class); }

  /** Whether a spec's JSON is a thermal one (its {@code type}). */
  public static boolean isThermal(String json) { return io.testbed.experiments.spec.SpecJson.declaresType(json, TYPE); }

  /** The spec with every documented default filled in; call {@link #problems()} first. */
  public ThermalSpec withDefaults() {
    List<EnvironmentStep> env = new ArrayList<>(environment == null ? List.of() : environment);
    if (env.isEmpty() || env.get(0).atMs() > 0) env.add(0, new EnvironmentStep(0, 25.0, 1.0));
    env.sort(java.util.Comparator.comparingLong(EnvironmentStep::atMs));
    EnvironmentStep first = env.get(0);
    env.set(0, new EnvironmentStep(0, first.ambientC() == null ? 25.0 : first.ambientC(), first.lighting() == null ? 1.0 : first.lighting()));
    return new ThermalSpec(name == null ? "thermal" : name, TYPE, sensorNode, farDevice, or(captureFps, 30.0), or(fidelityTargetDb, 24.0),
        capturePeriodMs == null ? 1000L : capturePeriodMs, or(durationS, 20.0), policies == null || policies.isEmpty() ? POLICIES : policies,
        repetitions == null ? 1 : repetitions, env, maxStopMs == null ? 200L : maxStopMs, or(hysteresisC, 10.0), or(coolDownS, 0.0));
  }

  /** Every problem of the spec, each naming its field; empty when valid. */
  public List<SpecProblem> problems() {
    List<SpecProblem> p = new ArrayList<>();
    if (!TYPE.equals(type)) p.add(new SpecProblem("type", "must be \"thermal\", was " + type));
    if (sensorNode == null || sensorNode.isBlank()) p.add(new SpecProblem("sensorNode", "is required (the sensor node's device id)"));
    List<String> ps = policies == null || policies.isEmpty() ? POLICIES : policies;
    for (int i = 0; i < ps.size(); i++) {
      if (!POLICIES.contains(ps.get(i))) p.add(new SpecProblem("policies[" + i + "]", "unknown policy '" + ps.get(i) + "'; allowed " + POLICIES));
    }
    if ((ps.contains("all-far") || ps.contains("seasonal-migration")) && (farDevice == null || farDevice.isBlank())) {
      p.add(new SpecProblem("farDevice", "is required for all-far and seasonal-migration (the edge box the frames go to)"));
    }
    if (captureFps != null && !(captureFps > 0 && captureFps <= 120)) p.add(new SpecProblem("captureFps", "must be in (0, 120], was " + captureFps));
    if (fidelityTargetDb != null && !(fidelityTargetDb > 0 && fidelityTargetDb < 60)) {
      p.add(new SpecProblem("fidelityTargetDb", "must be in (0, 60) dB, was " + fidelityTargetDb));
    }
    if (capturePeriodMs != null && capturePeriodMs < 100) p.add(new SpecProblem("capturePeriodMs", "must be >= 100, was " + capturePeriodMs));
    if (durationS != null && !(durationS >= 1 && durationS <= 3600)) p.add(new SpecProblem("durationS", "must be in [1, 3600], was " + durationS));
    if (repetitions != null && (repetitions < 1 || repetitions > 20)) p.add(new SpecProblem("repetitions", "must be in [1, 20], was " + repetitions));
    if (maxStopMs != null && maxStopMs < 34) p.add(new SpecProblem("maxStopMs", "must be >= 34 (one frame at 30 fps), was " + maxStopMs));
    if (hysteresisC != null && !(hysteresisC > 0 && hysteresisC < 50)) p.add(new SpecProblem("hysteresisC", "must be in (0, 50), was " + hysteresisC));
    if (coolDownS != null && !(coolDownS >= 0 && coolDownS <= 600)) p.add(new SpecProblem("coolDownS", "must be in [0, 600], was " + coolDownS));
    if (environment != null) {
      for (int i = 0; i < environment.size(); i++) {
        EnvironmentStep e = environment.get(i);
        String at = "environment[" + i + "]";
        if (e.atMs() < 0) p.add(new SpecProblem(at + ".atMs", "must be >= 0, was " + e.atMs()));
        if (e.ambientC() != null && !(e.ambientC() >= -40 && e.ambientC() <= 85)) p.add(new SpecProblem(at + ".ambientC", "must be in [-40, 85], was " + e.ambientC()));
        if (e.lighting() != null && !(e.lighting() > 0 && e.lighting() <= 1)) p.add(new SpecProblem(at + ".lighting", "must be in (0, 1], was " + e.lighting()));
        if (e.ambientC() == null && e.lighting() == null) p.add(new SpecProblem(at, "needs ambientC or lighting"));
      }
    }
    return p;
  }

  private static double or(Double v, double d) { return v == null ? d : v; }
}
