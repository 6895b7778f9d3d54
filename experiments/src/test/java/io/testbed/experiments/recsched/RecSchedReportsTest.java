package io.testbed.experiments.recsched;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.cli.ResultTable;
import io.testbed.experiments.spec.SpecJson;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecSchedReportsTest {
  static RecSchedReport sample() {
    var drs = new RecSchedReport.PolicyResult("deeprecsched", 1, 64, null, 25.1, 80.2, 95.0, true, true, false, false, 900, 2, 1,
        List.of(new RecSchedReport.Trial(16, null, 19.9, 70.0, 90.0, true, 5), new RecSchedReport.Trial(64, null, 25.1, 80.2, 95.0, true, 5)));
    var noSplit = new RecSchedReport.PolicyResult("static-no-split", 1, 1024, null, 12.6, 90.0, 99.0, true, true, false, false, 400, 0, 0, List.of());
    var small = new RecSchedReport.PolicyResult("static-small-batch", 1, 16, null, 0, 300, 400, false, false, false, false, 200, 9, 9, List.of());
    var m = new RecSchedReport.ModelReport("dlrm-rmc1", 100, List.of(drs, noSplit, small),
        List.of(RecSchedReport.PolicySummary.of("deeprecsched", List.of(drs)), RecSchedReport.PolicySummary.of("static-no-split", List.of(noSplit)),
            RecSchedReport.PolicySummary.of("static-small-batch", List.of(small))), 25.1 / 12.6, null);
    return new RecSchedReport("recsched", "run-1", "r", "VALID", null, 1,
        List.of(new RecSchedReport.ServerInfo("cloud-1", "http://127.0.0.1:1", 2, 1, "modelled")),
        List.of(new RecSchedReport.WarmUp("dlrm-rmc1", 128, 0, 5.0, List.of(16, 1024), 42.0, 25.3)),
        List.of(m),
        List.of(new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 1, 1.5, 5, 40, 60, 16, null, 64, 0, 0),
            new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 1, 4.5, 6.3, 45, 70, 16, null, 64, 0, 0)),
        List.of(new RecSchedReport.SweepPoint("dlrm-rmc1", 1, 16, 19.9, 70, 90, true),
            new RecSchedReport.SweepPoint("dlrm-rmc1", 1, 1024, 12.6, 90, 99, true)));
  }

  @Test
  void writesTheReportTextAndThreePlotsAndReadsTheReportBack(@TempDir Path dir) throws Exception {
    RecSchedReport r = sample();
    List<Path> files = RecSchedReports.write(dir, r);
    assertThat(files).extracting(p -> dir.relativize(p).toString().replace('\\', '/')).containsExactly(
        "recsched-report.json", "recsched-report.txt", "plots/recsched-qps.png", "plots/recsched-p95.png",
        "plots/recsched-sweep.png");
    for (String png : List.of("recsched-qps.png", "recsched-p95.png", "recsched-sweep.png")) {
      BufferedImage img = ImageIO.read(dir.resolve("plots").resolve(png).toFile());
      assertThat(img.getWidth()).isEqualTo(900);
      assertThat(img.getHeight()).isEqualTo(600);
    }
    assertThat(RecSchedReports.read(dir)).isEqualTo(r);
    assertThat(Files.readString(dir.resolve("recsched-report.txt"))).isEqualTo(RecSchedReports.render(r));
  }

  @Test
  void theTableShowsEveryPolicyAndTheGainBesideThePapers() {
    String t = RecSchedReports.render(sample());
    assertThat(t).contains("Run run-1 (recsched) VALID");
    assertThat(t).containsPattern("dlrm-rmc1 +100.0 +deeprecsched +1 +64 +none +25.1 +80.2 +95.0 +yes");
    assertThat(t).containsPattern("static-no-split +1 +1024 +none +12.6");
    assertThat(t).containsPattern("static-small-batch +1 +16 +none +0.0 +300.0 +400.0 +no");
    assertThat(t).contains("warm-up dlrm-rmc1: 128 queries (0 failed) at 5.0 QPS over B [16, 1024], p95 42.0 ms, 25.3 s (in no result)");
    assertThat(t).doesNotContain("Per policy over");
    assertThat(t).contains("dlrm-rmc1: DeepRecSched / no-split 1.99x, / small-batch - (1 round; paper: 2x over a static configuration)");
    assertThat(t).contains("Batch-size sweep");
  }

  @Test
  void aGainOfTheSameConfigurationOrOfABudgetBoundClimbIsFlagged() {
    var drs = new RecSchedReport.PolicyResult("deeprecsched", 1, 1024, null, 31.6, 55, 106, true, true, false, false, 960, 0, 0, List.of());
    var noSplit = new RecSchedReport.PolicyResult("static-no-split", 1, 1024, null, 15.8, 90, 149, true, true, false, true, 320, 0, 0, List.of());
    var small = new RecSchedReport.PolicyResult("static-small-batch", 1, 16, null, 15.8, 68, 112, true, true, false, false, 320, 0, 0, List.of());
    var m = new RecSchedReport.ModelReport("dlrm-rmc1", 150, List.of(drs, noSplit, small),
        List.of(RecSchedReport.PolicySummary.of("deeprecsched", List.of(drs)), RecSchedReport.PolicySummary.of("static-no-split", List.of(noSplit)),
            RecSchedReport.PolicySummary.of("static-small-batch", List.of(small))), 2.0, 2.0);
    assertThat(RecSchedReports.gainCaveat(m, "static-no-split"))
        .startsWith("DeepRecSched chose this baseline's own configuration").contains("window budget");
    assertThat(RecSchedReports.gainCaveat(m, "static-small-batch")).isNull(); // other B, no climb hit the budget
    String t = RecSchedReports.render(new RecSchedReport("recsched", "run-2", "r", "VALID", null, 1, List.of(), List.of(), List.of(m),
        List.of(), List.of()));
    assertThat(t).containsPattern("static-no-split +1 +1024 +none +15\\.8\\*");
    assertThat(t).contains("* still climbing when its windows ran out");
    assertThat(t).contains("/ static-no-split: DeepRecSched chose this baseline's own configuration");
    assertThat(t).doesNotContain("/ static-small-batch:");
    // the sample: different configurations, no budget-bound climb: no caveat
    assertThat(RecSchedReports.render(sample())).doesNotContain("still climbing").doesNotContain("own configuration");
  }

  /** Three rounds: per-round rows, the per-policy medians and the gain of the medians. */
  static RecSchedReport threeRounds() {
    List<RecSchedReport.PolicyResult> rs = new java.util.ArrayList<>();
    double[][] qps = {{20, 10}, {30, 12}, {25, 20}}; // per round: DRS, no-split
    for (int round = 1; round <= 3; round++) {
      rs.add(new RecSchedReport.PolicyResult("deeprecsched", round, 64, null, qps[round - 1][0], 80, 90, true, true, false, false, 100, 0, 0, List.of()));
      rs.add(new RecSchedReport.PolicyResult("static-no-split", round, 1024, null, qps[round - 1][1], 80, 90, true, round != 2, false, false, 100, 0, 0, List.of()));
    }
    var drs = RecSchedReport.PolicySummary.of("deeprecsched", rs.stream().filter(p -> p.policy().equals("deeprecsched")).toList());
    var ns = RecSchedReport.PolicySummary.of("static-no-split", rs.stream().filter(p -> p.policy().equals("static-no-split")).toList());
    var m = new RecSchedReport.ModelReport("dlrm-rmc2", 150, rs, List.of(drs, ns), drs.medianQps() / ns.medianQps(), null);
    return new RecSchedReport("recsched", "run-3", "r", "VALID", null, 3, List.of(), List.of(), List.of(m),
        List.of(new RecSchedReport.WindowRow("dlrm-rmc2", "deeprecsched", 2, 1.5, 5, 40, 60, 16, null, 64, 0, 0)), List.of());
  }

  @Test
  void roundsAreReportedPerRoundWithTheirMedianAndTheGainOfTheMedians(@TempDir Path dir) throws Exception {
    RecSchedReport r = threeRounds();
    RecSchedReport.PolicySummary drs = r.models().get(0).summary().get(0);
    assertThat(drs.qpsPerRound()).containsExactly(20.0, 30.0, 25.0);
    assertThat(drs.medianQps()).isEqualTo(25.0);
    assertThat(r.models().get(0).summary().get(1).medianQps()).isEqualTo(12.0);
    assertThat(r.models().get(0).summary().get(1).roundsSlaMet()).isEqualTo(2);
    assertThat(RecSchedReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    String t = RecSchedReports.render(r);
    assertThat(t).containsPattern("dlrm-rmc2 +150.0 +static-no-split +2 +1024 +none +12.0");
    assertThat(t).contains("Per policy over 3 rounds");
    assertThat(t).containsPattern("dlrm-rmc2 +deeprecsched +20.0 30.0 25.0 +64 64 64 +25.0 +3/3");
    assertThat(t).containsPattern("static-no-split +10.0 12.0 20.0 +1024 1024 1024 +12.0 +2/3");
    assertThat(t).contains("dlrm-rmc2: DeepRecSched / no-split 2.08x, / small-batch - (medians over 3 rounds;");
    RecSchedReports.write(dir, r);
    assertThat(RecSchedReports.read(dir)).isEqualTo(r);
    assertThat(ImageIO.read(dir.resolve("plots").resolve("recsched-qps.png").toFile()).getWidth()).isEqualTo(900);
  }

  @Test
  void aFailedWindowIsDrawnAtFiveTimesTheSlaNotOffTheChart() {
    RecSchedReport base = sample();
    RecSchedReport r = new RecSchedReport(base.type(), base.runId(), base.name(), base.verdict(), null, 1, base.servers(),
        base.warmups(), base.models(), List.of(new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 1, 1.5, 5, 40, 60, 16, null, 64, 0, 0),
            new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 1, 3.0, 8, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 16, null, 60, 4, 4)),
        List.of());
    var chart = RecSchedReports.p95Chart(r);
    double[] ys = chart.getSeriesMap().get("dlrm-rmc1 deeprecsched p95 ms").getYData();
    assertThat(ys).containsExactly(40.0, 500.0); // SLA 100 ms
  }

  @Test
  void theCliResultTablePicksTheRecSchedTableByType() {
    var json = SpecJson.mapper().valueToTree(sample());
    assertThat(ResultTable.render(json)).isEqualTo(RecSchedReports.render(sample()));
  }
}
