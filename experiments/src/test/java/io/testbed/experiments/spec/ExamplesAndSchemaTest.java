package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExamplesAndSchemaTest {
  private static final Path EXAMPLES = Path.of("examples");
  private static final Path SCHEMA = Path.of("schema/experiment-spec.schema.json");

  @Test
  void everyExampleSpecIsValid() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().startsWith("recsched-")) // RecSchedSpecParserTest checks those
          .filter(p -> !p.getFileName().toString().startsWith("thermal-")) // ThermalReportTest checks those
          .filter(p -> !p.getFileName().toString().startsWith("calibration-")) // CalibrationSpecParserTest checks those
          .sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("inference-singlestream.json", "inference-server.json", "inference-offload.json");
    for (Path f : files) {
      var p = SpecJson.parse(f);
      assertThat(p.problems()).as(f.toString()).isEmpty();
      assertThat(ExperimentPlan.of(p.spec()).repetitions()).isNotEmpty();
    }
  }

  @Test
  void schemaListsExactlyTheFieldsTheRecordsHave() throws Exception {
    JsonNode schema = SpecJson.mapper().readTree(Files.readString(SCHEMA));
    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    JsonNode props = schema.get("properties");
    assertThat(names(props)).containsExactlyInAnyOrderElementsOf(components(ExperimentSpec.class));
    assertThat(names(props.at("/scenario/properties"))).containsExactlyInAnyOrderElementsOf(components(ScenarioSpec.class));
    assertThat(names(props.at("/policy/properties"))).containsExactlyInAnyOrderElementsOf(components(PolicySpec.class));
    assertThat(names(props.at("/devices/items/properties"))).containsExactlyInAnyOrderElementsOf(components(DeviceSelector.class));
    assertThat(names(props.at("/repetitions/properties"))).containsExactlyInAnyOrderElementsOf(components(RepetitionSpec.class));
    assertThat(names(props.at("/timeline/items/properties"))).containsExactlyInAnyOrderElementsOf(components(TimelineEvent.class));
    assertThat(names(props.at("/qos/properties"))).containsExactlyInAnyOrderElementsOf(components(QosSpec.class));
    List<String> types = new ArrayList<>();
    props.at("/type/enum").forEach(n -> types.add(n.asText()));
    assertThat(types).containsExactlyElementsOf(ExperimentSpec.TYPES);
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> components(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).toList();
  }
}
