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
    var drs = new RecSchedReport.PolicyResult("deeprecsched", 64, null, 25.1, 80.2, 95.0, true, true, false, 900, 2, 1,
        List.of(new RecSchedReport.Trial(16, null, 19.9, 70.0, 90.0, true, 5), new RecSchedReport.Trial(64, null, 25.1, 80.2, 95.0, true, 5)));
    var noSplit = new RecSchedReport.PolicyResult("static-no-split", 1024, null, 12.6, 90.0, 99.0, true, true, false, 400, 0, 0, List.of());
    var small = new RecSchedReport.PolicyResult("static-small-batch", 16, null, 0, 300, 400, false, false, false, 200, 9, 9, List.of());
    var m = new RecSchedReport.ModelReport("dlrm-rmc1", 100, List.of(drs, noSplit, small), 25.1 / 12.6, null);
    return new RecSchedReport("recsched", "run-1", "r", "VALID", null,
        List.of(new RecSchedReport.ServerInfo("cloud-1", "http://127.0.0.1:1", 2, 1, "modelled")),
        List.of(m),
        List.of(new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 1.5, 5, 40, 60, 16, null, 64, 0, 0),
            new RecSchedReport.WindowRow("dlrm-rmc1", "deeprecsched", 4.5, 6.3, 45, 70, 16, null, 64, 0, 0)),
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
    assertThat(t).containsPattern("dlrm-rmc1 +100.0 +deeprecsched +64 +none +25.1 +80.2 +95.0 +yes");
    assertThat(t).containsPattern("static-no-split +1024 +none +12.6");
    assertThat(t).containsPattern("static-small-batch +16 +none +0.0 +300.0 +400.0 +no");
    assertThat(t).contains("dlrm-rmc1: DeepRecSched / no-split 1.99x, / small-batch - (paper: 2x over a static configuration)");
    assertThat(t).contains("Batch-size sweep");
  }

  @Test
  void theCliResultTablePicksTheRecSchedTableByType() {
    var json = SpecJson.mapper().valueToTree(sample());
    assertThat(ResultTable.render(json)).isEqualTo(RecSchedReports.render(sample()));
  }
}
