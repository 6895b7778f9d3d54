package io.testbed.experiments.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.experiments.analysis.MlperfSummaryWriter;
import io.testbed.experiments.analysis.Repetitions;
import io.testbed.experiments.analysis.Summary;
import io.testbed.experiments.loadgen.AppliedEvent;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.protocol.Hello;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Writes and reads a run folder {@code <root>/<runId>/}: {@code spec.json}, {@code devices.json}, {@code seeds.json},
 * {@code queries.csv}, {@code mlperf_log_summary.txt}, {@code summary.json}, {@code events.json} and
 * {@code plots/*.png}. The layout is in the module README.
 */
public final class ResultBundle {
  public static final String SPEC = "spec.json";
  public static final String DEVICES = "devices.json";
  public static final String SEEDS = "seeds.json";
  public static final String QUERIES = "queries.csv";
  public static final String MLPERF_SUMMARY = "mlperf_log_summary.txt";
  public static final String SUMMARY = "summary.json";
  public static final String EVENTS = "events.json";
  public static final String PLOTS = "plots";

  private static final ObjectMapper JSON = SpecJson.mapper();
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ResultBundle() {}

  /** A run id such as {@code phone-mobilenet-20261130T083200Z-3f9a}: spec name, UTC start, random suffix. */
  public static String runId(String name, Instant startedAt, RandomGenerator random) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return safe + "-" + STAMP.format(startedAt) + "-" + String.format(Locale.ROOT, "%04x", random.nextInt(0x10000));
  }

  /** Writes the bundle under {@code root}; returns the run folder. Refuses to overwrite an existing run. */
  public static Path write(Path root, BundleContents c) throws IOException {
    Path dir = root.resolve(c.runId());
    if (Files.exists(dir.resolve(SUMMARY))) throw new IOException("run folder already written: " + dir);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(SPEC), SpecJson.write(c.spec()));

    ArrayNode devices = JSON.createArrayNode();
    for (Hello h : c.devices()) devices.add(JSON.readTree(WireCodec.encode(h)));
    JSON.writeValue(dir.resolve(DEVICES).toFile(), devices);

    ObjectNode seeds = JSON.createObjectNode();
    seeds.put("runId", c.runId());
    ArrayNode seedList = seeds.putArray("seeds");
    ArrayNode perRep = seeds.putArray("repetitions");
    for (BundleContents.Repetition r : c.repetitions()) {
      seedList.add(r.seed());
      ObjectNode o = perRep.addObject();
      o.put("index", r.index());
      o.put("seed", r.seed());
      o.put("scheduleSeed", r.summary().testParameters().get("schedule_rng_seed"));
      o.put("sampleIndexSeed", r.summary().testParameters().get("sample_index_rng_seed"));
    }
    JSON.writeValue(dir.resolve(SEEDS).toFile(), seeds);

    Map<Integer, List<QueryRecord>> records = new LinkedHashMap<>();
    c.repetitions().forEach(r -> records.put(r.index(), r.records()));
    QueryCsv.write(dir.resolve(QUERIES), records);

    Files.writeString(dir.resolve(MLPERF_SUMMARY), mlperfText(c));

    ObjectNode summary = JSON.createObjectNode();
    summary.put("runId", c.runId());
    summary.set("aggregate", JSON.valueToTree(c.aggregate()));
    ArrayNode reps = summary.putArray("repetitions");
    ObjectNode events = JSON.createObjectNode();
    ArrayNode eventReps = events.putArray("repetitions");
    for (BundleContents.Repetition r : c.repetitions()) {
      ObjectNode o = reps.addObject();
      o.put("index", r.index());
      o.put("seed", r.seed());
      o.set("summary", JSON.valueToTree(r.summary()));
      ObjectNode e = eventReps.addObject();
      e.put("index", r.index());
      e.set("events", JSON.valueToTree(r.events()));
    }
    JSON.writeValue(dir.resolve(EVENTS).toFile(), events);
    Plots.write(dir.resolve(PLOTS), records);
    // summary.json last: its presence marks a complete bundle.
    JSON.writeValue(dir.resolve(SUMMARY).toFile(), summary);
    return dir;
  }

  /** The MLPerf-style text: one block per repetition, then the repetition aggregate when there are several. */
  public static String mlperfText(BundleContents c) {
    if (c.repetitions().size() == 1) return MlperfSummaryWriter.render(c.repetitions().get(0).summary());
    StringBuilder b = new StringBuilder();
    for (BundleContents.Repetition r : c.repetitions()) {
      b.append("Repetition ").append(r.index()).append(" of ").append(c.repetitions().size()).append(" (seed ")
          .append(r.seed()).append(")\n");
      b.append(MlperfSummaryWriter.render(r.summary())).append('\n');
    }
    Repetitions.Aggregate a = c.aggregate();
    String rule = "================================================\n";
    b.append(rule).append("Repetitions (drop fastest and slowest, mean of the rest)\n").append(rule);
    b.append("Metric : ").append(a.metricName()).append('\n');
    b.append("Runs : ").append(a.runs()).append('\n');
    b.append("Failed runs : ").append(a.failedRuns()).append('\n');
    b.append("Dropped repetitions : ").append(a.dropped()).append('\n');
    b.append("Mean of kept runs : ").append(String.format(Locale.ROOT, "%.2f", a.mean())).append('\n');
    b.append("Coefficient of variation : ").append(String.format(Locale.ROOT, "%.4f", a.coefficientOfVariation())).append('\n');
    b.append("Result is : ").append(a.result()).append('\n');
    if (a.reason() != null) b.append(" * ").append(a.reason()).append('\n');
    return b.toString();
  }

  /** Loads a run folder written by {@link #write}. */
  public static BundleContents read(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(SUMMARY))) throw new IOException("not a complete run folder (no " + SUMMARY + "): " + dir);
    var spec = SpecJson.parse(dir.resolve(SPEC));
    if (!spec.ok()) throw new IOException(dir.resolve(SPEC) + ": " + spec.problems());
    List<Hello> devices = new ArrayList<>();
    for (JsonNode h : JSON.readTree(dir.resolve(DEVICES).toFile())) {
      try {
        devices.add(WireCodec.decode(JSON.writeValueAsString(h).getBytes(StandardCharsets.UTF_8), Hello.class));
      } catch (MalformedMessageException e) {
        throw new IOException(dir.resolve(DEVICES) + ": " + e.getMessage(), e);
      }
    }
    JsonNode summary = JSON.readTree(dir.resolve(SUMMARY).toFile());
    JsonNode events = JSON.readTree(dir.resolve(EVENTS).toFile());
    Map<Integer, List<QueryRecord>> records = QueryCsv.read(dir.resolve(QUERIES));
    Map<Integer, List<AppliedEvent>> eventsByRep = new LinkedHashMap<>();
    for (JsonNode e : events.get("repetitions")) {
      eventsByRep.put(e.get("index").asInt(), List.of(JSON.treeToValue(e.get("events"), AppliedEvent[].class)));
    }
    List<BundleContents.Repetition> reps = new ArrayList<>();
    for (JsonNode r : summary.get("repetitions")) {
      int index = r.get("index").asInt();
      reps.add(new BundleContents.Repetition(index, r.get("seed").asLong(),
          JSON.treeToValue(r.get("summary"), Summary.class), records.getOrDefault(index, List.of()),
          eventsByRep.getOrDefault(index, List.of())));
    }
    Repetitions.Aggregate aggregate = JSON.treeToValue(summary.get("aggregate"), Repetitions.Aggregate.class);
    return new BundleContents(summary.get("runId").asText(), spec.spec(), devices, reps, aggregate);
  }
}
