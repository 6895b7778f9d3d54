package io.testbed.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.orchestrator.port.TelemetryPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebRoutesCsvTest {
  @Test
  void csvHasTheUnionOfTagsAndFieldsAndQuotesWhereNeeded() {
    String csv = WebRoutes.csv(List.of(
        new TelemetryPoint("inference", Map.of("device", "phone-1", "run", "r"), Map.of("latencyMs", 12.5), 10),
        new TelemetryPoint("experiment_event", Map.of("run", "r", "kind", "timeline"), Map.of("value", 1L),
            Map.of("message", "rssi -82, weak"), 20)));
    assertThat(csv.lines().toList()).containsExactly(
        "measurement,timestampNs,device,kind,run,latencyMs,message,value",
        "inference,10,phone-1,,r,12.5,,",
        "experiment_event,20,,timeline,r,,\"rssi -82, weak\",1");
  }
}
