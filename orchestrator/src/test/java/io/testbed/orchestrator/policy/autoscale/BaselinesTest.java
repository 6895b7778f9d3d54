package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.DeviceKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Static baselines, best static and the oracle (SYSTEMS.md section 1), on a hand-made profile. */
class BaselinesTest {
  static final AutoScaleSettings.Objective O = new AutoScaleSettings.Objective(50, 0.70, 10, 20, true);
  static final ActionSpace SPACE = AutoScaleFixtures.phoneSpace(AccuracyMask.none());
  static final Observation.Condition CALM = new Observation.Condition(0, 0, Map.of("edge-1", -60.0, "cloud-1", -60.0));
  static final Observation.Condition WEAK = new Observation.Condition(0, 0, Map.of("edge-1", -90.0, "cloud-1", -90.0));
  static final Observation.Condition HOPELESS = new Observation.Condition(1, 1, Map.of("edge-1", -90.0, "cloud-1", -90.0));

  //                                        calm                weak                hopeless
  //  id              lat  J    acc    |  lat  J    acc    |  lat   J    acc
  static final String[][] TABLE = {
      {"cpu@600",       "90", "0.05", "0.72",  "90", "0.05", "0.72",  "200", "0.10", "0.72"},
      {"cpu@1200",      "45", "0.07", "0.72",  "45", "0.07", "0.72",  "120", "0.15", "0.72"},
      {"cpu@1800",      "30", "0.09", "0.72",  "30", "0.09", "0.72",  "80",  "0.20", "0.72"},
      {"gpu",           "15", "0.03", "0.72",  "15", "0.03", "0.72",  "60",  "0.08", "0.72"},
      {"dsp",           "12", "0.01", "0.68",  "12", "0.01", "0.68",  "55",  "0.03", "0.68"},
      {"edge:edge-1",   "20", "0.015", "0.72", "90", "0.2", "0.72",   "90",  "0.2",  "0.72"},
      {"cloud:cloud-1", "20", "0.018", "0.72", "85", "0.2", "0.72",   "85",  "0.2",  "0.72"}};

  static Profile profile() {
    Map<Observation.Condition, Map<String, Profile.Expectation>> m = new LinkedHashMap<>();
    List<Observation.Condition> cs = List.of(CALM, WEAK, HOPELESS);
    for (int c = 0; c < cs.size(); c++) {
      Map<String, Profile.Expectation> row = new LinkedHashMap<>();
      for (String[] r : TABLE) {
        row.put(r[0], new Profile.Expectation(Double.parseDouble(r[1 + 3 * c]), Double.parseDouble(r[2 + 3 * c]),
            Double.parseDouble(r[3 + 3 * c])));
      }
      m.put(cs.get(c), row);
    }
    return new Profile("mobilenet", SPACE.ids(), m);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"cpu-only, cpu@1800", "gpu-only, gpu", "dsp-only, dsp", "edge-only, edge:edge-1", "cloud-only, cloud:cloud-1"})
  void staticBaselines(String name, String actionId) {
    StaticPolicy p = switch (name) {
      case "cpu-only" -> StaticPolicy.cpuOnly(SPACE).orElseThrow();
      case "gpu-only" -> StaticPolicy.gpuOnly(SPACE).orElseThrow();
      case "dsp-only" -> StaticPolicy.dspOnly(SPACE).orElseThrow();
      case "edge-only" -> StaticPolicy.edgeOnly(SPACE).orElseThrow();
      default -> StaticPolicy.cloudOnly(SPACE).orElseThrow();
    };
    assertThat(p.name()).isEqualTo(name);
    assertThat(p.choose().id()).isEqualTo(actionId);
  }

  @Test
  void aMissingTargetGivesNoBaseline() {
    ActionSpace cpuOnly = ActionSpace.from(AutoScaleFixtures.phone("p"), List.of(), "fp32only", AccuracyMask.none());
    assertThat(StaticPolicy.dspOnly(cpuOnly)).isEmpty();
    assertThat(StaticPolicy.cloudOnly(cpuOnly)).isEmpty();
    assertThat(StaticPolicy.edgeOnly(ActionSpace.from(AutoScaleFixtures.phone("p"),
        List.of(AutoScaleFixtures.peer("c", DeviceKind.CLOUD, "http://c", "mobilenet")), "mobilenet",
        AccuracyMask.none()))).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1} (fallback {2})")
  @CsvSource({
      "calm, edge:edge-1, false",  // least energy among feasible; dsp cheaper but inaccurate
      "weak, gpu, false",          // offloads too slow now
      "hopeless, dsp, true"})      // nothing meets 50 ms at 0.70: the fastest (55 ms), whatever its accuracy
  void oraclePicksTheLeastEnergyFeasibleActionElseTheFastest(String condition, String actionId, boolean fallback) {
    Observation.Condition c = switch (condition) {
      case "calm" -> CALM;
      case "weak" -> WEAK;
      default -> HOPELESS;
    };
    Oracle.Choice ch = new Oracle(profile(), O).choose(c);
    assertThat(ch.actionId()).isEqualTo(actionId);
    assertThat(ch.fallback()).isEqualTo(fallback);
  }

  @Test
  void oracleWithoutAnAccuracyTargetTakesTheDsp() {
    Oracle o = new Oracle(profile(), new AutoScaleSettings.Objective(50, 0, 10, 20, true));
    assertThat(o.choose(CALM).actionId()).isEqualTo("dsp");
    assertThatThrownBy(() -> o.choose(new Observation.Condition(0.5, 0, Map.of())))
        .hasMessageContaining("is not in the profile");
  }

  @Test
  void bestStaticMeetsQosOnAverageAtLeastEnergy() {
    // Equal weights: edge averages (20+90+90)/3 = 67 ms > 50; gpu 30 ms at 0.047 J; cpu@1800 47 ms at 0.127 J.
    assertThat(BestStatic.choose(profile(), SPACE, O).choose().id()).isEqualTo("gpu");
    // Weighted to the calm condition: edge averages (20*98 + 90*2)/100 = 21.4 ms at 0.0187 J, cheaper than gpu.
    assertThat(BestStatic.choose(profile(), SPACE, O, Map.of(CALM, 98L, WEAK, 2L)).choose().id())
        .isEqualTo("edge:edge-1");
    assertThat(BestStatic.choose(profile(), SPACE, O).name()).isEqualTo("best-static");
    // Nothing meets 10 ms on average: the fastest on average (dsp).
    assertThat(BestStatic.choose(profile(), SPACE, new AutoScaleSettings.Objective(10, 0, 10, 20, true)).choose().id())
        .isEqualTo("dsp");
  }

  @Test
  void recordCarriesTheOraclesViewOfTheRequest() {
    Oracle o = new Oracle(profile(), O);
    RequestRecord r = o.record("autoscale", 3, CALM, "cloud:cloud-1", new RequestOutcome(21, 0.02, 0.72, true));
    assertThat(r).isEqualTo(new RequestRecord("autoscale", 3, "cloud:cloud-1", "edge:edge-1", 21, 0.02, 0.72, true,
        0.018, true, 0.015, false));
    assertThat(r.equalsOracle()).isFalse();
  }

  @Test
  void profileMustBeComplete() {
    assertThatThrownBy(() -> new Profile("m", List.of("a", "b"),
        Map.of(CALM, Map.of("a", new Profile.Expectation(1, 1, 1)))))
        .hasMessageContaining("must have exactly the actions [a, b]");
  }
}
