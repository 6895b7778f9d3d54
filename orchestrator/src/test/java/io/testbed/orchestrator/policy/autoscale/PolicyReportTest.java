package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyReportTest {
  static final AutoScaleSettings.Objective O = new AutoScaleSettings.Objective(50, 0.70, 10, 20, true);
  static final ConvergenceCriterion C = new ConvergenceCriterion(4, 0.75, 0.05);

  static RequestRecord rec(String policy, int i, String action, double lat, double j, double acc, boolean ok) {
    return new RequestRecord(policy, i, action, "gpu", lat, j, acc, ok, j, lat <= 50, 0.03, false);
  }

  @Test
  void metricsMath() {
    List<RequestRecord> cpu = List.of(rec("cpu-only", 0, "cpu", 30, 0.1, 0.72, true),
        rec("cpu-only", 1, "cpu", 30, 0.1, 0.72, true));
    List<RequestRecord> mine = List.of(
        rec("autoscale", 0, "gpu", 20, 0.03, 0.72, true),
        rec("autoscale", 1, "gpu", 60, 0.03, 0.72, true),     // late
        rec("autoscale", 2, "edge", 20, 0.04, 0.70, false),   // failed: no inference, counts as a violation
        rec("autoscale", 3, "dsp", 10, 0.01, 0.68, true));
    Map<String, List<RequestRecord>> all = new LinkedHashMap<>();
    all.put("cpu-only", cpu);
    all.put("autoscale", mine);
    List<PolicyReport> reports = PolicyReport.all(all, O, C);
    PolicyReport c = reports.get(0);
    PolicyReport m = reports.get(1);
    assertThat(c.inferencesPerJoule()).isCloseTo(10, within(1e-9));
    assertThat(c.vsCpuOnly()).isCloseTo(1, within(1e-9));
    assertThat(m.requests()).isEqualTo(4);
    assertThat(m.okCount()).isEqualTo(3);
    assertThat(m.energyJ()).isCloseTo(0.11, within(1e-12));
    assertThat(m.inferencesPerJoule()).isCloseTo(3 / 0.11, within(1e-9));
    assertThat(m.vsCpuOnly()).isCloseTo(3 / 0.11 / 10, within(1e-9));
    assertThat(m.qosViolationRate()).isEqualTo(0.5);
    assertThat(m.meanAccuracy()).isCloseTo((0.72 + 0.72 + 0.68) / 3, within(1e-12));
    assertThat(m.oracleMatchShare()).isEqualTo(0.5);
    assertThat(PolicyReport.table(reports)).contains(
        "| policy | requests | inferences/J | x CPU-only |",
        "| cpu-only | 2 | 10.00 | 1.00 | 0.0% | 0.720 | 0.0% | 0.0% | never |",
        "| autoscale | 4 | 27.27 | 2.73 | 50.0% | 0.707 | 50.0% |");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "GGGG, 4",          // first full window all good
      "BGGG, 4",          // 3 of 4 = 0.75 is enough
      "BBGGG, 5",
      "BBGBGBGG, 8",      // the window 4..7 (G B G G) is the first with 3 of 4
      "BGBGBGBG, -1",     // never more than 2 of 4
      "GGG, -1"})         // shorter than the window
  void requestsToConvergeIsTheEndOfTheFirstGoodWindow(String pattern, int expected) {
    List<RequestRecord> rs = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      boolean good = pattern.charAt(i) == 'G';
      rs.add(new RequestRecord("p", i, good ? "gpu" : "cpu", "gpu", 10, 0.1, 0.7, true, 0.1, true, 0.03, false));
    }
    OptionalInt n = C.requestsToConverge(rs, 0);
    if (expected < 0) assertThat(n).isEmpty();
    else assertThat(n).hasValue(expected);
  }

  @ParameterizedTest(name = "chosen {0} J feasible {1}, oracle 1 J -> good {2}")
  @CsvSource({"1.05, true, true", "1.06, true, false", "0.5, false, false", "0.9, true, true"})
  void nearOracleWithinTheEnergyTolerance(double energy, boolean feasible, boolean good) {
    RequestRecord r = new RequestRecord("p", 0, "a", "b", 10, energy, 0.7, true, energy, feasible, 1.0, false);
    assertThat(C.good(r)).isEqualTo(good);
  }

  @Test
  void requestsToConvergeFromALaterIndex() {
    List<RequestRecord> rs = new ArrayList<>();
    String pattern = "GGGGBBBBBGGGG";
    for (int i = 0; i < pattern.length(); i++) {
      boolean g = pattern.charAt(i) == 'G';
      rs.add(new RequestRecord("p", i, g ? "gpu" : "cpu", "gpu", 10, 0.1, 0.7, true, 0.1, true, 0.03, false));
    }
    assertThat(C.requestsToConverge(rs, 0)).hasValue(4);
    assertThat(C.requestsToConverge(rs, 4)).hasValue(8);   // from index 4: the window 8..11 (B G G G) ends 8 requests on
  }

  @ParameterizedTest(name = "{0} -> valid {1}, mean {2}")
  @CsvSource(delimiter = ';', value = {
      "10,20,30,40,50; true; 30",     // drop 10 and 50
      "10,20,30,40,-1; true; 30",     // one non-converging run is the slowest: dropped (20,30,40 kept)
      "10,20,-1,40,-1; false; NaN",   // two non-converging runs invalidate
      "10,20; false; NaN"})
  void timeToQualityAggregationOfSystemsSection8(String runs, boolean valid, double mean) {
    List<OptionalInt> rs = new ArrayList<>();
    for (String r : runs.split(",")) rs.add(r.equals("-1") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(r)));
    TimeToQuality.Aggregate a = TimeToQuality.aggregate(rs);
    assertThat(a.valid()).isEqualTo(valid);
    if (valid) assertThat(a.mean()).isCloseTo(mean, within(1e-9));
    else assertThat(a.mean()).isNaN();
  }
}
