package io.testbed.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.model.JobRequest;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.Precision;
import io.testbed.protocol.Topics;
import java.util.Iterator;
import java.util.Set;

/** Reads a {@code POST /api/v1/jobs} body into a {@link JobRequest}; every refusal names the offending field. */
final class JobRequestParser {

  /** A body that cannot become a job; the message names the field. */
  static final class InvalidRequest extends Exception {
    InvalidRequest(String message) {
      super(message);
    }
  }

  private static final Set<String> FIELDS =
      Set.of("deviceId", "model", "target", "precision", "count", "batchSize", "offloadTo", "dvfsLevelMHz", "timeoutMs");
  private static final int MAX_BATCH = 4096;
  private static final long MAX_TIMEOUT_MS = 3_600_000;

  private final ObjectMapper mapper;
  private final int maxCount;

  JobRequestParser(ObjectMapper mapper, int maxCount) {
    this.mapper = mapper;
    this.maxCount = maxCount;
  }

  JobRequest parse(String body) throws InvalidRequest {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequest("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new InvalidRequest("request body must be a JSON object");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw new InvalidRequest("unknown field '" + f + "' (allowed: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
    }
    String deviceId = id(root, "deviceId", true);
    String model = id(root, "model", true);
    String target = id(root, "target", true);
    Precision precision = precision(root);
    int count = (int) integer(root, "count", true, 1, maxCount, 0);
    int batchSize = (int) integer(root, "batchSize", false, 1, MAX_BATCH, 1);
    String offloadTo = id(root, "offloadTo", false);
    boolean offload = InferenceCommand.OFFLOAD.equals(target);
    if (offload && offloadTo == null) throw new InvalidRequest("offloadTo is required when target is 'offload'");
    if (!offload && offloadTo != null) throw new InvalidRequest("offloadTo only applies when target is 'offload'");
    Integer dvfs = present(root, "dvfsLevelMHz") ? (int) integer(root, "dvfsLevelMHz", true, 1, 100_000, 0) : null;
    Long timeoutMs = present(root, "timeoutMs") ? integer(root, "timeoutMs", true, 1, MAX_TIMEOUT_MS, 0) : null;
    return new JobRequest(deviceId, model, target, precision, count, batchSize, offloadTo, dvfs, timeoutMs);
  }

  private static boolean present(JsonNode root, String field) {
    return root.hasNonNull(field);
  }

  private static String id(JsonNode root, String field, boolean required) throws InvalidRequest {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) throw new InvalidRequest(field + " is required");
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) throw new InvalidRequest(field + " must be a non-empty string");
    try {
      return Topics.requireSegment(n.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequest(field + " must use only A-Z a-z 0-9 . _ -, was '" + n.asText() + "'");
    }
  }

  private static Precision precision(JsonNode root) throws InvalidRequest {
    JsonNode n = root.get("precision");
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) {
      for (Precision p : Precision.values()) if (p.wireName().equals(n.asText())) return p;
    }
    throw new InvalidRequest("precision must be one of fp32, int8, was " + n);
  }

  private static long integer(JsonNode root, String field, boolean required, long min, long max, long dflt)
      throws InvalidRequest {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) throw new InvalidRequest(field + " is required");
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
      throw new InvalidRequest(field + " must be an integer in " + min + ".." + max + ", was " + n);
    }
    return n.asLong();
  }
}
