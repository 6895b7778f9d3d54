package io.testbed.experiments.recsched;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.SpecProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecSchedSpecParserTest {
  private static final String MIN = "{\"name\":\"r\",\"type\":\"recsched\",\"servers\":[\"cloud-1\",\"cloud-2\"],\"models\":[\"dlrm-rmc1\"]";

  @Test
  void everyRecSchedExampleIsValid() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("examples"))) {
      files = s.filter(p -> p.getFileName().toString().matches("recsched-.*\\.json")).sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("recsched-rmc.json");
    for (Path f : files) {
      var p = RecSchedSpecParser.parse(Files.readString(f));
      assertThat(p.problems()).as(f.toString()).isEmpty();
      assertThat(RecSchedSpecParser.isRecSched(Files.readString(f))).isTrue();
    }
    RecSchedSpec rmc = RecSchedSpecParser.parse(Files.readString(Path.of("examples/recsched-rmc.json"))).spec();
    assertThat(rmc.models()).containsExactly("dlrm-rmc1", "dlrm-rmc2", "dlrm-rmc3");
    assertThat(rmc.servers()).containsExactly("cloud-1", "cloud-2");
    assertThat(rmc.policiesInOrder()).containsExactlyElementsOf(RecSchedSpec.POLICIES);
  }

  @Test
  void aMinimalSpecLeavesEveryTunableToTheDefaults() {
    var p = RecSchedSpecParser.parse(MIN + "}");
    assertThat(p.problems()).isEmpty();
    RecSchedSpec s = p.spec();
    assertThat(s.grid()).isNull();
    assertThat(s.windowQueries()).isNull();
    assertThat(s.querySize()).isNull();
    assertThat(s.policiesInOrder()).containsExactly("deeprecsched", "static-no-split", "static-small-batch");
  }

  @Test
  void policiesRunInTheirFixedOrder() {
    RecSchedSpec s = RecSchedSpecParser.parse(MIN + ",\"policies\":[\"static-small-batch\",\"deeprecsched\"]}").spec();
    assertThat(s.policiesInOrder()).containsExactly("deeprecsched", "static-small-batch");
  }

  @Test
  void roundsAlternateThePolicyOrder() {
    RecSchedSpec s = RecSchedSpecParser.parse(MIN + ",\"rounds\":3,\"warmup\":0}").spec();
    assertThat(s.rounds()).isEqualTo(3);
    assertThat(s.warmup()).isZero();
    List<String> all = s.policiesInOrder();
    assertThat(RecSchedSpec.roundOrder(all, 1)).containsExactly("deeprecsched", "static-no-split", "static-small-batch");
    assertThat(RecSchedSpec.roundOrder(all, 2)).containsExactly("static-small-batch", "static-no-split", "deeprecsched");
    assertThat(RecSchedSpec.roundOrder(all, 3)).containsExactlyElementsOf(RecSchedSpec.roundOrder(all, 1));
  }

  @Test
  void theSpecRoundTripsThroughJson() throws Exception {
    String json = Files.readString(Path.of("examples/recsched-rmc.json"));
    RecSchedSpec s = RecSchedSpecParser.parse(json).spec();
    RecSchedSpec again = RecSchedSpecParser.parse(SpecJson.mapper().writeValueAsString(s)).spec();
    assertThat(again).isEqualTo(s);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'\"servers\":[]'                          | servers            | non-empty",
      "'\"models\":[\"a b\"]'                     | models[0]          | id",
      "'\"slaMs\":{\"dlrm-rmc1\":0}'              | slaMs.dlrm-rmc1    | > 0",
      "'\"slaMs\":{\"ncf\":10}'                   | slaMs.ncf          | not one of models",
      "'\"querySize\":{\"kind\":\"lognormal\",\"sd\":3}' | querySize.sd | not allowed",
      "'\"rowDistribution\":\"zipf\"'             | rowDistribution    | power-law",
      "'\"policies\":[\"greedy\"]'                | policies[0]        | must be one of",
      "'\"policies\":[\"deeprecsched\",\"deeprecsched\"]' | policies[1] | twice",
      "'\"smallBatchSize\":0'                     | smallBatchSize     | [1, 1024]",
      "'\"batchSizes\":[16,2048]'                 | batchSizes[1]      | [1, 1024]",
      "'\"batchSizes\":[]'                        | batchSizes         | non-empty",
      "'\"offloadThresholds\":[2000]'             | offloadThresholds[0] | [1, 1025]",
      "'\"grid\":{\"minQps\":10,\"maxQps\":5}'    | grid.maxQps        | greater than",
      "'\"grid\":{\"stepsPerDecade\":0}'          | grid.stepsPerDecade | [1, 1000]",
      "'\"grid\":{\"step\":3}'                    | grid.step          | unknown field",
      "'\"windowQueries\":1'                      | windowQueries      | [2, 100000]",
      "'\"holdBand\":1.1'                         | holdBand           | fraction",
      "'\"maxWindows\":0'                         | maxWindows         | [1, 1000000]",
      "'\"medianOfLast\":0'                       | medianOfLast       | [1, 10000]",
      "'\"confirmWindows\":-1'                    | confirmWindows     | [0, 10000]",
      "'\"queryTimeoutMs\":0'                     | queryTimeoutMs     | >= 1",
      "'\"balancer\":\"random\"'                  | balancer           | join-shortest-queue",
      "'\"sweep\":{}'                             | sweep.batchSizes   | required",
      "'\"sweep\":{\"batchSizes\":[4,4]}'         | sweep.batchSizes[1] | twice",
      "'\"seed\":\"x\"'                           | seed               | integer",
      "'\"warmup\":-1'                          | warmup             | [0, 100000]",
      "'\"rounds\":0'                           | rounds             | [1, 100]",
      "'\"scenario\":{}'                          | scenario           | unknown field",
  })
  void eachProblemNamesItsField(String extra, String path, String message) {
    var p = RecSchedSpecParser.parse(MIN + "," + extra + "}");
    assertThat(p.ok()).isFalse();
    assertThat(p.spec()).isNull();
    assertThat(p.problems()).anySatisfy(sp -> {
      assertThat(sp.path()).isEqualTo(path);
      assertThat(sp.message()).contains(message);
    });
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    var p = RecSchedSpecParser.parse("{\"type\":\"recsched\",\"windowQueries\":0,\"balancer\":1}");
    assertThat(p.problems()).extracting(SpecProblem::path)
        .contains("name", "servers", "models", "windowQueries", "balancer");
  }

  @Test
  void notJsonAndWrongTypeAreProblems() {
    assertThat(RecSchedSpecParser.parse("{").problems()).extracting(SpecProblem::path).containsExactly("$");
    assertThat(RecSchedSpecParser.parse("{\"name\":\"x\",\"type\":\"inference\",\"servers\":[\"a\"],\"models\":[\"m\"]}")
        .problems()).extracting(SpecProblem::path).containsExactly("type");
    assertThat(RecSchedSpecParser.isRecSched("{\"type\":\"inference\"}")).isFalse();
    assertThat(RecSchedSpecParser.isRecSched("not json")).isFalse();
  }
  @Test
  void theSchemaListsExactlyTheFieldsTheRecordsHave() throws Exception {
    var schema = SpecJson.mapper().readTree(Files.readString(Path.of("schema/recsched-spec.schema.json")));
    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    var props = schema.get("properties");
    assertThat(names(props)).containsExactlyInAnyOrderElementsOf(components(RecSchedSpec.class));
    assertThat(names(props.at("/grid/properties"))).containsExactlyInAnyOrderElementsOf(components(RecSchedSpec.Grid.class));
    assertThat(names(props.at("/sweep/properties"))).containsExactlyInAnyOrderElementsOf(components(RecSchedSpec.Sweep.class));
    List<String> policies = new java.util.ArrayList<>();
    props.at("/policies/items/enum").forEach(n -> policies.add(n.asText()));
    assertThat(policies).containsExactlyElementsOf(RecSchedSpec.POLICIES);
  }

  private static List<String> names(com.fasterxml.jackson.databind.JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> components(Class<?> record) {
    return java.util.Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).toList();
  }
}
