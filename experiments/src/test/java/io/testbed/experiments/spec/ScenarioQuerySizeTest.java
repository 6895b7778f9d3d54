package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code scenario.querySize} in an inference spec: validated (Server only, field paths) and handed to LoadGen. */
class ScenarioQuerySizeTest {
  static final String SPEC = """
      {"name":"q","type":"inference","devices":[{"id":"cloud-1"}],"models":["mlp"],"policy":{"kind":"fixed","target":"cpu"},
       "scenario":{"kind":"%s","targetQps":50,"latencyBoundMs":100,"querySize":%s}}
      """;

  @Test
  void theSpecFieldIsValidatedAndReachesLoadGen() {
    var ok = SpecJson.parse(SPEC.formatted("Server", "{\"kind\":\"fixed\",\"items\":64}"));
    assertThat(ok.problems()).isEmpty();
    LoadGenSettings s = ExperimentPlan.of(ok.spec()).repetitions().get(0).settings();
    assertThat(s.querySize()).isEqualTo(QuerySizeDistribution.fixed(64));
    assertThat(SpecJson.parse(SpecJson.write(ok.spec())).spec()).isEqualTo(ok.spec());

    var bad = SpecJson.parse(SPEC.formatted("Server", "{\"kind\":\"lognormal\",\"sd\":3}"));
    assertThat(bad.problems()).extracting(SpecProblem::path).contains("scenario.querySize.sd");
    var notServer = SpecJson.parse(SPEC.formatted("SingleStream", "{\"kind\":\"fixed\",\"items\":64}")
        .replace("\"targetQps\":50,", ""));
    assertThat(notServer.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("scenario.querySize");
      assertThat(p.message()).contains("only applies to Server");
    });
    assertThat(Arrays.asList(ok.spec().scenario().getClass().getRecordComponents()).stream().map(c -> c.getName()))
        .contains("querySize");
  }
}
