package io.testbed.cloud.rec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.inference.rec.IndexDistribution;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecModel;
import io.testbed.protocol.WireCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The recommendation server's HTTP API without HTTP plumbing: parses JSON and binary queries and config updates,
 * answers {@link Reply} values (status + JSON body). Bad input is a 400 naming the field, an unknown model a 404;
 * both are counted and the server carries on.
 */
public final class RecApi {
  /** Header naming the model of a binary query. */
  public static final String MODEL_HEADER = "X-Model";
  /** Header giving the item count N of a binary query. */
  public static final String ITEMS_HEADER = "X-Items";
  /** Header asking for the output values in the reply ({@code true}). */
  public static final String OUTPUTS_HEADER = "X-Outputs";
  /** Content type of a binary query. */
  public static final String BINARY_CONTENT_TYPE = "application/octet-stream";

  private static final Set<String> QUERY_FIELDS = Set.of("model", "items", "seed", "distribution", "outputs");
  private static final Set<String> CONFIG_FIELDS = Set.of("model", "batchSize", "acceleratorThreshold");

  /** An answer: HTTP status and a JSON-ready body. */
  public record Reply(int status, Object body) {
    static Reply error(int status, String message) { return new Reply(status, Map.of("error", message)); }
  }

  private final RecServer server;
  private final ObjectMapper json = WireCodec.mapper();

  public RecApi(RecServer server) {
    this.server = server;
  }

  public RecServer server() { return server; }

  /** {@code POST /v1/rec/query} with a JSON body. */
  public CompletionStage<Reply> queryJson(byte[] body) {
    RecQuery q;
    try {
      q = parseQuery(body);
    } catch (RecServer.UnknownModelException e) {
      return CompletableFuture.completedFuture(toReply(server.badRequest(404, e.getMessage())));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(toReply(server.badRequest(400, e.getMessage())));
    }
    return server.submit(q).thenApply(RecApi::toReply);
  }

  /**
   * {@code POST /v1/rec/query} with {@code Content-Type: application/octet-stream}: headers {@code X-Model} and
   * {@code X-Items}, body = indices as int64 little-endian (items x tables x lookups, item-major) followed by the dense
   * features as float32 little-endian (items x dense).
   */
  public CompletionStage<Reply> queryBinary(Function<String, Optional<String>> header, byte[] body) {
    RecQuery q;
    try {
      q = parseBinary(header, body);
    } catch (RecServer.UnknownModelException e) {
      return CompletableFuture.completedFuture(toReply(server.badRequest(404, e.getMessage())));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(toReply(server.badRequest(400, e.getMessage())));
    }
    return server.submit(q).thenApply(RecApi::toReply);
  }

  RecQuery parseQuery(byte[] body) {
    JsonNode n = object(body);
    unknownFields(n, QUERY_FIELDS);
    String model = text(n, "model", true);
    if (server.model(model) == null) throw new RecServer.UnknownModelException(model, server.modelNames());
    int items = integer(n, "items", true, 1, server.settings().maxItems());
    long seed = 0;
    if (n.has("seed")) {
      if (!n.get("seed").isIntegralNumber() || !n.get("seed").canConvertToLong()) throw new IllegalArgumentException("seed: must be an integer");
      seed = n.get("seed").asLong();
    }
    IndexDistribution d = n.has("distribution") ? RecQuery.parseDistribution(text(n, "distribution", true)) : IndexDistribution.uniform();
    boolean outputs = false;
    if (n.has("outputs")) {
      if (!n.get("outputs").isBoolean()) throw new IllegalArgumentException("outputs: must be true or false");
      outputs = n.get("outputs").asBoolean();
    }
    return RecQuery.generated(model, items, seed, d).withOutputs(outputs);
  }

  RecQuery parseBinary(Function<String, Optional<String>> header, byte[] body) {
    String model = header.apply(MODEL_HEADER).map(String::trim).filter(s -> !s.isEmpty())
        .orElseThrow(() -> new IllegalArgumentException(MODEL_HEADER + ": header is missing"));
    RecModel m = server.model(model);
    if (m == null) throw new RecServer.UnknownModelException(model, server.modelNames());
    String itemsText = header.apply(ITEMS_HEADER).map(String::trim).orElseThrow(() -> new IllegalArgumentException(ITEMS_HEADER + ": header is missing"));
    int items;
    try {
      items = Integer.parseInt(itemsText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ITEMS_HEADER + ": not an integer: '" + itemsText + "'");
    }
    int max = server.settings().maxItems();
    if (items < 1 || items > max) throw new IllegalArgumentException(ITEMS_HEADER + ": must be in [1, " + max + "], was " + items);
    long perItem = (long) m.tables() * m.lookups();
    long expected = items * perItem * Long.BYTES + (long) items * m.denseFeatures() * Float.BYTES;
    if (body == null || body.length != expected) {
      throw new IllegalArgumentException("body: expected " + expected + " bytes (" + items + " items x (" + m.tables() + " tables x " + m.lookups()
          + " lookups x 8 + " + m.denseFeatures() + " dense x 4)), got " + (body == null ? 0 : body.length));
    }
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    long[] idx = new long[(int) (items * perItem)];
    b.asLongBuffer().get(idx);
    b.position(idx.length * Long.BYTES);
    float[] dense = new float[items * m.denseFeatures()];
    b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dense);
    for (int i = 0; i < idx.length; i++) {
      int table = (int) ((i % perItem) / m.lookups());
      long rows = m.rows().get(table);
      if (idx[i] < 0 || idx[i] >= rows) {
        throw new IllegalArgumentException("body: item " + i / perItem + " table " + table + " lookup " + i % m.lookups() + " asks for row "
            + idx[i] + ", the table has " + rows + " rows");
      }
    }
    boolean outputs = header.apply(OUTPUTS_HEADER).map(s -> s.trim().equalsIgnoreCase("true")).orElse(false);
    return new RecQuery(model, items, 0, null, new RecBatch(items, m.denseFeatures(), m.tables(), m.lookups(), dense, idx), outputs);
  }

  /** Encodes a binary query body (for clients and tests): indices int64 LE then dense float32 LE. */
  public static byte[] encodeBinary(RecBatch batch) {
    long[] idx = batch.indices();
    float[] dense = batch.dense();
    ByteBuffer b = ByteBuffer.allocate(idx.length * Long.BYTES + dense.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : idx) b.putLong(v);
    for (float v : dense) b.putFloat(v);
    return b.array();
  }

  /** {@code GET /v1/rec/config}. */
  public Reply config() { return new Reply(200, server.config()); }

  /**
   * {@code PUT /v1/rec/config}: {@code {"batchSize":B,"acceleratorThreshold":T}} for every model, or with
   * {@code "model"} for one; either field may be left out, not both. Answers the new configuration.
   */
  public Reply putConfig(byte[] body) {
    try {
      JsonNode n = object(body);
      for (String fixed : List.of("instances", "workers")) {
        if (n.has(fixed)) {
          throw new IllegalArgumentException(fixed + ": fixed at server start (co-located instances and workers each hold their own "
              + "sessions, built and warmed at start); restart the cloud agent with --rec-" + fixed + " N (testbed.cloud.rec." + fixed + ")");
        }
      }
      unknownFields(n, CONFIG_FIELDS);
      String model = n.has("model") ? text(n, "model", true) : null;
      int max = server.settings().maxItems();
      Integer b = n.has("batchSize") ? integer(n, "batchSize", true, 1, max) : null;
      Integer t = null;
      if (n.has("acceleratorThreshold")) {
        JsonNode v = n.get("acceleratorThreshold");
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > max + 1) {
          throw new IllegalArgumentException("acceleratorThreshold: must be an integer in [1, " + (max + 1) + "] (" + (max + 1) + " = never), was " + v);
        }
        t = v.asInt();
      }
      if (b == null && t == null) throw new IllegalArgumentException("batchSize, acceleratorThreshold: give at least one");
      server.setPolicy(model, b, t);
      return config();
    } catch (RecServer.UnknownModelException e) {
      server.badRequest(404, e.getMessage());
      return Reply.error(404, e.getMessage());
    } catch (IllegalArgumentException e) {
      server.badRequest(400, e.getMessage());
      return Reply.error(400, e.getMessage());
    }
  }

  /** {@code GET /v1/rec/stats}. */
  public Reply stats() { return new Reply(200, server.statsSnapshot()); }

  /** {@code POST /v1/rec/stats/reset}: zeroes counters and histograms, answers the stats before the reset. */
  public Reply resetStats() {
    Map<String, Object> before = server.statsSnapshot();
    server.stats().reset();
    return new Reply(200, before);
  }

  /** Maps an outcome to its status and JSON body. */
  public static Reply toReply(QueryOutcome o) {
    if (o instanceof QueryOutcome.Served s) return new Reply(200, s.result());
    if (o instanceof QueryOutcome.Rejected r) return Reply.error(503, r.error());
    if (o instanceof QueryOutcome.Failed f) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", f.error());
      m.put("queryId", f.queryId());
      m.put("timedOut", f.timedOut());
      return new Reply(f.status(), m);
    }
    QueryOutcome.Invalid i = (QueryOutcome.Invalid) o;
    return Reply.error(i.status(), i.error());
  }

  private JsonNode object(byte[] body) {
    JsonNode n;
    try {
      n = json.readTree(body == null ? new byte[0] : body);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("body: not JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) throw new IllegalArgumentException("body: expected a JSON object");
    return n;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static void unknownFields(JsonNode n, Set<String> known) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) throw new IllegalArgumentException(f + ": unknown field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
    }
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new IllegalArgumentException(field + ": is required");
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException(field + ": must be a non-empty string");
    return v.asText().trim();
  }

  private static int integer(JsonNode n, String field, boolean required, int min, int max) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new IllegalArgumentException(field + ": is required");
      return min;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException(field + ": must be an integer in [" + min + ", " + max + "]");
    int i = v.asInt();
    if (i < min || i > max) throw new IllegalArgumentException(field + ": must be in [" + min + ", " + max + "], was " + i);
    return i;
  }
}
