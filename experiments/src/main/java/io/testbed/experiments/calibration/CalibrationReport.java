package io.testbed.experiments.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.experiments.spec.SpecJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The outcome of a calibration run: per step modelled and metered mean power and the model's error; the model's MAPE;
 * the least-squares fit of the metered power ({@link PowerFit}) and, for comparison, of the modelled power (the
 * profile's own coefficients as the device applied them). Writes the bundle ({@code summary.json} with
 * {@code "type": "calibration"}, {@code calibration.csv}, {@code calibration.png}, {@code profile-fit.conf},
 * {@code calibration-report.txt}) and renders the summary for the CLI.
 *
 * @param profile the device's profile name (from its hello), the section {@code profile-fit.conf} overrides
 * @param scalableTargets targets with DVFS levels (their fitted busy-w is the highest level's)
 */
public record CalibrationReport(String runId, CalibrationSpec spec, String profile, String meterId, String meterSource,
    List<String> scalableTargets, List<StepResult> steps) {
  public static final String SUMMARY = "summary.json";
  public static final String CSV = "calibration.csv";
  public static final String PLOT = "calibration.png";
  public static final String PROFILE_FIT = "profile-fit.conf";
  public static final String TEXT = "calibration-report.txt";
  static final String CSV_HEADER = "step,label,model,target,level,windowStartNs,windowEndNs,windowS,inferences,failures,"
      + "utilisation,modelledW,modelledSamples,meteredW,meteredSamples,errorPct,fittedW,alignmentUncertaintyNs,note";

  static {
    System.setProperty("java.awt.headless", "true");
  }

  public CalibrationReport {
    scalableTargets = List.copyOf(scalableTargets);
    steps = List.copyOf(steps);
  }

  /** The fit's inputs: steps with a metered figure. */
  public List<PowerFit.Observation> meteredObservations() {
    return steps.stream().filter(s -> s.meteredW() != null).map(s -> new PowerFit.Observation(utilisation(s), s.meteredW())).toList();
  }

  List<PowerFit.Observation> modelledObservations() {
    return steps.stream().filter(s -> s.modelledW() != null).map(s -> new PowerFit.Observation(utilisation(s), s.modelledW())).toList();
  }

  private static Map<String, Double> utilisation(StepResult s) {
    return s.target() == null ? Map.of() : Map.of(s.target(), s.utilisation());
  }

  /** MAPE of the device's model against the meter over the steps with both, percent. */
  public double mapePct() {
    return PowerFit.mapePct(steps.stream().map(StepResult::modelledW).toList(), steps.stream().map(StepResult::meteredW).toList());
  }

  /** The fit outcome: a result, or the reason there is none. */
  public record Fit(PowerFit.Result result, String error) {
    public boolean ok() { return result != null; }
  }

  public Fit meteredFit() { return fit(meteredObservations()); }

  public Fit modelledFit() { return fit(modelledObservations()); }

  private Fit fit(List<PowerFit.Observation> obs) {
    try {
      return new Fit(PowerFit.fit(obs, spec.allTargets()), null);
    } catch (IllegalArgumentException e) {
      return new Fit(null, e.getMessage());
    }
  }

  /** VALID when the metered fit exists and the MAPE is finite; else INVALID. */
  public String verdict() {
    return meteredFit().ok() && Double.isFinite(mapePct()) ? "VALID" : "INVALID";
  }

  // --- bundle -------------------------------------------------------------------------------------------------------

  /** Writes the bundle files into {@code dir} (created); returns the summary written. */
  public JsonNode write(Path dir) throws IOException {
    Files.createDirectories(dir);
    JsonNode summary = summary();
    SpecJson.mapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(SUMMARY).toFile(), summary);
    Files.writeString(dir.resolve(CSV), csv(), StandardCharsets.UTF_8);
    Fit fit = meteredFit();
    if (fit.ok()) Files.writeString(dir.resolve(PROFILE_FIT), profileFragment(fit.result()), StandardCharsets.UTF_8);
    BitmapEncoder.saveBitmap(chart(), dir.resolve(PLOT).toString(), BitmapEncoder.BitmapFormat.PNG);
    Files.writeString(dir.resolve(TEXT), render(summary), StandardCharsets.UTF_8);
    return summary;
  }

  public ObjectNode summary() {
    ObjectNode s = SpecJson.mapper().createObjectNode();
    s.put("runId", runId);
    s.put("type", CalibrationSpec.TYPE);
    s.put("name", spec.name());
    s.put("device", spec.device());
    s.put("profile", profile);
    s.put("meter", meterId);
    s.put("meterSource", meterSource);
    s.put("verdict", verdict());
    num(s, "mapePct", mapePct());
    ArrayNode arr = s.putArray("steps");
    Fit fit = meteredFit();
    for (StepResult r : steps) {
      ObjectNode o = arr.addObject();
      o.put("step", r.index());
      o.put("label", r.label());
      o.put("model", r.model());
      o.put("target", r.target());
      o.put("level", r.level());
      o.put("windowS", r.windowS());
      o.put("inferences", r.inferences());
      o.put("failures", r.failures());
      num(o, "utilisation", r.utilisation());
      num(o, "modelledW", r.modelledW());
      num(o, "meteredW", r.meteredW());
      num(o, "errorPct", r.errorPct());
      if (fit.ok()) num(o, "fittedW", fit.result().predictW(utilisation(r)));
      o.put("meteredSamples", r.meteredSamples());
      o.put("modelledSamples", r.modelledSamples());
      if (!r.note().isEmpty()) o.put("note", r.note());
    }
    if (fit.ok()) s.set("fit", fitJson(fit.result()));
    else s.put("fitError", fit.error());
    Fit model = modelledFit();
    if (model.ok()) s.set("modelFit", fitJson(model.result()));
    else s.put("modelFitError", model.error());
    ArrayNode files = s.putArray("files");
    files.add(CSV).add(PLOT).add(TEXT);
    if (fit.ok()) files.add(PROFILE_FIT);
    return s;
  }

  private ObjectNode fitJson(PowerFit.Result f) {
    ObjectNode o = SpecJson.mapper().createObjectNode();
    num(o, "idleW", f.idleW().value());
    num(o, "idleStdErrW", f.idleW().standardError());
    ObjectNode k = o.putObject("k");
    for (Map.Entry<String, PowerFit.Coefficient> e : f.kW().entrySet()) {
      ObjectNode t = k.putObject(e.getKey());
      num(t, "wPerUtilisation", e.getValue().value());
      num(t, "stdErrW", e.getValue().standardError());
      num(t, "busyW", f.busyW(e.getKey()));
    }
    num(o, "rSquared", f.rSquared());
    num(o, "residualStdW", f.residualStdW());
    o.put("observations", f.observations());
    return o;
  }

  public String csv() {
    Fit fit = meteredFit();
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
    for (StepResult r : steps) {
      b.append(String.join(",", Integer.toString(r.index()), r.label(), nz(r.model()), nz(r.target()), fmt(r.level()),
          Long.toString(r.windowStartNs()), Long.toString(r.windowEndNs()), fmt(r.windowS()), Integer.toString(r.inferences()),
          Integer.toString(r.failures()), fmt(r.utilisation()), fmt(r.modelledW()), Integer.toString(r.modelledSamples()),
          fmt(r.meteredW()), Integer.toString(r.meteredSamples()), fmt(r.errorPct()),
          fit.ok() ? fmt(fit.result().predictW(utilisation(r))) : "", fmt(r.alignmentUncertaintyNs()),
          r.note().isEmpty() ? "" : "\"" + r.note().replace("\"", "\"\"") + "\"")).append('\n');
    }
    return b.toString();
  }

  /**
   * The fitted coefficients as a device-agents profile section ({@code testbed.agent.profiles.<profile>}): loaded
   * with {@code device-agent --profile-file FILE}, which merges it over the profile (targets by id).
   */
  public String profileFragment(PowerFit.Result f) {
    StringBuilder b = new StringBuilder();
    b.append("# Power model of profile '").append(profile).append("' fitted by calibration run ").append(runId)
        .append(" on device ").append(spec.device()).append(", meter ").append(meterId).append(" (").append(meterSource).append(").\n");
    b.append(String.format(Locale.ROOT, "# Fit: R^2 %.4f over %d steps, residual std %.4f W; idle-w %.4f +- %.4f W",
        f.rSquared(), f.observations(), f.residualStdW(), f.idleW().value(), f.idleW().standardError()));
    for (Map.Entry<String, PowerFit.Coefficient> e : f.kW().entrySet()) {
      b.append(String.format(Locale.ROOT, "; %s k %.4f +- %.4f W", e.getKey(), e.getValue().value(), e.getValue().standardError()));
    }
    b.append(".\n");
    b.append(String.format(Locale.ROOT, "# MAPE of the profile's model against the meter before the fit: %.2f %%.%n", mapePct()));
    b.append("# Use: ./testbed device-agent --profile ").append(profile).append(" --profile-file profile-fit.conf ...\n");
    if (f.kW().keySet().stream().anyMatch(scalableTargets::contains)) {
      b.append("# A DVFS target's single busy-w figure is its highest level (the level calibrated); the agent scales its\n"
          + "# other levels' power above idle by the same factor.\n");
    }
    b.append("testbed.agent.profiles.\"").append(profile).append("\" {\n");
    b.append(String.format(Locale.ROOT, "  power { idle-w = %.4f }%n", Math.max(0, f.idleW().value())));
    b.append("  targets = [\n");
    for (String t : f.kW().keySet()) {
      b.append(String.format(Locale.ROOT, "    { id = \"%s\", busy-w = [%.4f] }%n", t, Math.max(0, f.busyW(t))));
    }
    b.append("  ]\n}\n");
    return b.toString();
  }

  XYChart chart() {
    XYChart c = new XYChartBuilder().width(900).height(600)
        .title("Calibration " + spec.device() + ": metered vs modelled power (meter " + meterId + ", " + meterSource + ")")
        .xAxisTitle("utilisation of the target").yAxisTitle("mean power (W)").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    Fit fit = meteredFit();
    for (String t : spec.allTargets()) {
      List<StepResult> rows = new ArrayList<>(steps.stream().filter(s -> s.target() == null || t.equals(s.target())).toList());
      series(c, "metered " + t, rows, true);
      series(c, "modelled " + t, rows, false);
      if (fit.ok()) {
        XYSeries line = c.addSeries("fit " + t, new double[] {0, 1},
            new double[] {fit.result().idleW().value(), fit.result().busyW(t)});
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      }
    }
    return c;
  }

  private static void series(XYChart c, String name, List<StepResult> rows, boolean metered) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (StepResult r : rows) {
      Double y = metered ? r.meteredW() : r.modelledW();
      if (y == null || !Double.isFinite(y)) continue;
      xs.add(r.utilisation());
      ys.add(y);
    }
    if (!xs.isEmpty()) c.addSeries(name, xs, ys);
  }

  // --- text ---------------------------------------------------------------------------------------------------------

  /** The CLI's table of a calibration {@code summary.json}. */
  public static String render(JsonNode s) {
    StringBuilder b = new StringBuilder();
    b.append("Run ").append(s.path("runId").asText()).append(": calibration of ").append(s.path("device").asText())
        .append(" (profile ").append(s.path("profile").asText()).append(") against meter ").append(s.path("meter").asText())
        .append(" (").append(s.path("meterSource").asText()).append(")\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"step", "what", "window s", "inferences", "utilisation", "modelled W", "metered W", "error %", "fitted W"});
    for (JsonNode r : s.path("steps")) {
      rows.add(new String[] {r.path("step").asText(), r.path("label").asText(), f(r.path("windowS"), "%.2f"),
          r.path("inferences").asText() + (r.path("failures").asInt() > 0 ? " (" + r.path("failures").asInt() + " failed)" : ""),
          f(r.path("utilisation"), "%.3f"), f(r.path("modelledW"), "%.4f"), f(r.path("meteredW"), "%.4f"),
          f(r.path("errorPct"), "%+.2f"), f(r.path("fittedW"), "%.4f")});
    }
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) b.append(i == 0 ? "" : "  ").append(String.format("%" + (i == 1 ? "-" : "") + w[i] + "s", r[i]));
      b.append('\n');
    }
    for (JsonNode r : s.path("steps")) {
      if (r.hasNonNull("note")) b.append("  step ").append(r.path("step").asText()).append(": ").append(r.path("note").asText()).append('\n');
    }
    b.append("MAPE of the device's power model against the meter: ").append(f(s.path("mapePct"), "%.2f")).append(" %\n");
    appendFit(b, "Fitted to the meter", s.path("fit"));
    if (s.hasNonNull("fitError")) b.append("No fit: ").append(s.path("fitError").asText()).append('\n');
    appendFit(b, "The device's model (fitted to its modelled power)", s.path("modelFit"));
    b.append("Verdict: ").append(s.path("verdict").asText());
    if (s.path("files").toString().contains(PROFILE_FIT)) b.append("; fitted profile: ").append(PROFILE_FIT).append(" in the bundle");
    b.append('\n');
    return b.toString();
  }

  private static void appendFit(StringBuilder b, String title, JsonNode fit) {
    if (fit.isMissingNode() || fit.isNull()) return;
    b.append(title).append(": idle ").append(f(fit.path("idleW"), "%.4f")).append(" +- ").append(f(fit.path("idleStdErrW"), "%.4f")).append(" W");
    fit.path("k").fields().forEachRemaining(e -> b.append("; ").append(e.getKey()).append(" k ")
        .append(f(e.getValue().path("wPerUtilisation"), "%.4f")).append(" +- ").append(f(e.getValue().path("stdErrW"), "%.4f"))
        .append(" W (busy-w ").append(f(e.getValue().path("busyW"), "%.4f")).append(")"));
    b.append("; R^2 ").append(f(fit.path("rSquared"), "%.4f")).append(", ").append(fit.path("observations").asInt()).append(" steps\n");
  }

  private static String f(JsonNode n, String fmt) {
    return n.isNumber() ? String.format(Locale.ROOT, fmt, n.asDouble()) : "-";
  }

  private static void num(ObjectNode o, String field, Double v) {
    if (v == null || !Double.isFinite(v)) o.putNull(field);
    else o.put(field, v);
  }

  private static String fmt(Double d) {
    return d == null || !Double.isFinite(d) ? "" : String.format(Locale.ROOT, "%.6g", d);
  }

  private static String nz(String s) { return s == null ? "" : s; }
}
