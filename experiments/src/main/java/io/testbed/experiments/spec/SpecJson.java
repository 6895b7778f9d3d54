package io.testbed.experiments.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads and writes experiment specs; {@link #parse} validates first, so bad input comes back as problems, never as exceptions. */
public final class SpecJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private SpecJson() {}

  /** The mapper for specs and result files; shared, thread-safe. */
  public static ObjectMapper mapper() { return MAPPER; }


  /** Whether JSON text is an object whose {@code "type"} is {@code type}; false for anything else, unparsable included. */
  public static boolean declaresType(String json, String type) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      return tree != null && tree.isObject() && type.equals(tree.path("type").asText(null));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * The document's tree, or {@code null} with the reason added to {@code problems} (not valid JSON, empty): the
   * first step of every spec parser.
   */
  public static JsonNode readTree(String json, List<SpecProblem> problems) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      problems.add(new SpecProblem("$", "not valid JSON: " + e.getOriginalMessage()));
      return null;
    }
    if (tree == null || tree.isMissingNode()) {
      problems.add(new SpecProblem("$", "empty document"));
      return null;
    }
    return tree;
  }

  /** Parses and validates JSON text; every problem is reported at once, each naming its field path. */
  public static ParsedSpec<ExperimentSpec> parse(String json) {
    List<SpecProblem> unreadable = new java.util.ArrayList<>();
    JsonNode tree = readTree(json, unreadable);
    if (tree == null) return new ParsedSpec<>(null, unreadable);
    List<SpecProblem> problems = SpecValidator.validate(tree);
    if (!problems.isEmpty()) return new ParsedSpec<>(null, problems);
    try {
      return new ParsedSpec<>(MAPPER.treeToValue(tree, ExperimentSpec.class), List.of());
    } catch (JsonProcessingException e) {
      // The validator should have caught this; still answer with a problem rather than an exception.
      return new ParsedSpec<>(null, List.of(new SpecProblem("$", e.getOriginalMessage())));
    }
  }

  public static ParsedSpec<ExperimentSpec> parse(Path file) throws IOException { return parse(Files.readString(file)); }

  public static String write(ExperimentSpec spec) {
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode spec", e);
    }
  }

  public static JsonNode toTree(ExperimentSpec spec) { return MAPPER.valueToTree(spec); }
}
