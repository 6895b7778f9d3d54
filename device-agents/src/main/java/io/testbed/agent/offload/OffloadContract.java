package io.testbed.agent.offload;

import io.testbed.protocol.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The offload HTTP contract shared by requesting agents and inference servers: {@code POST /v1/infer} with the input
 * tensor as float32 little-endian bytes and these headers; the answer carries the output tensor the same way.
 */
public final class OffloadContract {
  public static final String INFER_PATH = "/v1/infer";
  public static final String HEALTH_PATH = "/v1/health";
  public static final String MODELS_PATH = "/v1/models";

  /** Request headers. */
  public static final String MODEL = "X-Model";
  public static final String PRECISION = "X-Precision";
  public static final String BATCH_SIZE = "X-Batch-Size";
  public static final String DEVICE_ID = "X-Device-Id";
  public static final String CORRELATION_ID = "X-Correlation-Id";

  /** Response headers. */
  public static final String OUTPUT_SHAPE = "X-Output-Shape";
  public static final String COMPUTE_MS = "X-Compute-Ms";
  public static final String DIGEST = "X-Digest";
  public static final String EXECUTED_ON = "X-Executed-On";

  public static final String CONTENT_TYPE = "application/octet-stream";

  private OffloadContract() {}

  /** The URL to POST to, from a peer's base URL (its hello {@code endpoint}). */
  public static String inferUrl(String baseUrl) {
    return (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl) + INFER_PATH;
  }

  public static byte[] toBytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  /** Float32 little-endian bytes to floats; the length must be a multiple of 4. */
  public static float[] toFloats(byte[] bytes) {
    if (bytes.length % Float.BYTES != 0) throw new IllegalArgumentException("body length " + bytes.length + " is not a multiple of 4");
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  public static String formatShape(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
  }

  /** Parses {@code "1,1000"}; throws IllegalArgumentException naming the problem. */
  public static long[] parseShape(String header) {
    if (header == null || header.isBlank()) throw new IllegalArgumentException(OUTPUT_SHAPE + " is missing");
    try {
      long[] shape = Arrays.stream(header.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
      for (long d : shape) if (d < 0) throw new IllegalArgumentException(OUTPUT_SHAPE + " has a negative dimension: " + header);
      return shape;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(OUTPUT_SHAPE + " is not a comma-separated list of integers: " + header);
    }
  }

  public static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    return n;
  }

  public static String precisionHeader(Precision p) { return p.wireName(); }

  /** Parses {@code fp32|int8}; throws IllegalArgumentException naming the header. */
  public static Precision parsePrecision(String header) {
    if (header == null || header.isBlank()) throw new IllegalArgumentException(PRECISION + " is missing");
    for (Precision p : Precision.values()) if (p.wireName().equals(header.trim().toLowerCase(Locale.ROOT))) return p;
    throw new IllegalArgumentException(PRECISION + " must be fp32 or int8, was '" + header + "'");
  }
}
