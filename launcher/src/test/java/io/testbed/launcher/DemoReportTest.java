package io.testbed.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DemoReportTest {
  @Test
  void rowSummarisesOkResultsAndKeepsTheFirstFailure() throws Exception {
    JsonNode job = new ObjectMapper().readTree("""
        {"request":{"deviceId":"phone-1","model":"mobilenet","target":"cpu"},
         "results":[
          {"outcome":"ok","latencyMs":10,"computeMs":8,"executedOn":"phone-1","energyJ":0.02,"energySource":"modelled"},
          {"outcome":"ok","latencyMs":30,"computeMs":12,"executedOn":"phone-1","energyJ":0.04,"energySource":"modelled"},
          {"outcome":"timeout","error":"no reply within 5000 ms"}]}""");
    DemoReport.Row row = DemoReport.row(job);
    assertThat(row.ok()).isEqualTo(2);
    assertThat(row.total()).isEqualTo(3);
    assertThat(row.meanLatencyMs()).isEqualTo(20.0);
    assertThat(row.p95LatencyMs()).isEqualTo(30.0);
    assertThat(row.meanComputeMs()).isEqualTo(10.0);
    assertThat(row.energyPerInferenceJ()).isEqualTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(row.error()).isEqualTo("timeout: no reply within 5000 ms");
    assertThat(DemoReport.table(java.util.List.of(row))).contains("phone-1", "2/3", "0.0300 modelled", "first failure");
  }

  @Test
  void nearestRankPercentile() {
    assertThat(DemoReport.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.95)).isEqualTo(10);
    assertThat(DemoReport.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5)).isEqualTo(5);
    assertThat(DemoReport.percentile(new double[0], 0.5)).isNaN();
  }
}
