package io.testbed.orchestrator.policy.autoscale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a {@link QTable}, for persistence (per device and model) and the REST export. States appear as
 * their readable text ({@link StateDiscretiser#text}), sorted, each with its Q-value per action id:
 *
 * <pre>{@code
 * {"schemaVersion":1,"deviceId":"phone-1","model":"mobilenet","bins":"conv:<30|<50|>=50 ...","updates":412,
 *  "actions":["cpu@300","cpu@1800","gpu","dsp","edge:edge-1","cloud:cloud-1"],
 *  "states":{"conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 rssi[cloud-1]=regular rssi[edge-1]=regular":
 *            {"cpu@300":-0.41,"cpu@1800":-0.3,...}}}
 * }</pre>
 */
public final class QTableJson {
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final StateDiscretiser discretiser;

  public QTableJson(StateDiscretiser discretiser) {
    if (discretiser == null) throw new IllegalArgumentException("discretiser is required");
    this.discretiser = discretiser;
  }

  /** The table as a JSON tree (for a REST route that embeds it). */
  public ObjectNode toTree(QTable t) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("deviceId", t.id().deviceId());
    root.put("model", t.id().model());
    root.put("bins", t.binsSignature());
    root.put("updates", t.updates());
    ArrayNode actions = root.putArray("actions");
    t.actionIds().forEach(actions::add);
    Map<String, double[]> sorted = new TreeMap<>();
    t.rows().forEach((s, q) -> sorted.put(discretiser.text(s), q));
    ObjectNode states = root.putObject("states");
    sorted.forEach((text, q) -> {
      ObjectNode row = states.putObject(text);
      for (int i = 0; i < q.length; i++) row.put(t.actionIds().get(i), q[i]);
    });
    return root;
  }

  public String write(QTable t) {
    try {
      return MAPPER.writeValueAsString(toTree(t));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write Q-table " + t.id(), e);
    }
  }

  /** Parses {@link #write}'s output; throws {@link IllegalArgumentException} naming the bad field. */
  public QTable read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Q-table is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException("Q-table must be a JSON object");
    int version = field(root, "schemaVersion").asInt(-1);
    if (version != SCHEMA_VERSION) {
      throw new IllegalArgumentException("schemaVersion must be " + SCHEMA_VERSION + ", was " + root.get("schemaVersion"));
    }
    QTable.Id id = new QTable.Id(text(root, "deviceId"), text(root, "model"));
    String bins = text(root, "bins");
    JsonNode upd = field(root, "updates");
    if (!upd.canConvertToLong() || !upd.isIntegralNumber()) throw new IllegalArgumentException("updates must be an integer");
    JsonNode actionsNode = field(root, "actions");
    if (!actionsNode.isArray()) throw new IllegalArgumentException("actions must be an array");
    List<String> actions = new ArrayList<>();
    actionsNode.forEach(a -> {
      if (!a.isTextual()) throw new IllegalArgumentException("actions must hold strings, had " + a);
      actions.add(a.asText());
    });
    JsonNode states = field(root, "states");
    if (!states.isObject()) throw new IllegalArgumentException("states must be an object");
    Map<StateKey, double[]> rows = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      StateKey s = discretiser.parse(e.getKey());
      JsonNode row = e.getValue();
      if (!row.isObject()) throw new IllegalArgumentException("states['" + e.getKey() + "'] must be an object");
      double[] q = new double[actions.size()];
      for (int i = 0; i < actions.size(); i++) {
        JsonNode v = row.get(actions.get(i));
        if (v == null || !v.isNumber()) {
          throw new IllegalArgumentException("states['" + e.getKey() + "']." + actions.get(i) + " must be a number");
        }
        q[i] = v.asDouble();
      }
      if (row.size() != actions.size()) {
        throw new IllegalArgumentException("states['" + e.getKey() + "'] must have exactly the actions " + actions);
      }
      if (rows.put(s, q) != null) throw new IllegalArgumentException("states: '" + e.getKey() + "' appears twice");
    }
    return QTable.restore(id, bins, actions, rows, upd.asLong());
  }

  private static JsonNode field(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) throw new IllegalArgumentException(name + " is required");
    return n;
  }

  private static String text(JsonNode root, String name) {
    JsonNode n = field(root, name);
    if (!n.isTextual() || n.asText().isBlank()) throw new IllegalArgumentException(name + " must be a non-empty string");
    return n.asText();
  }
}
