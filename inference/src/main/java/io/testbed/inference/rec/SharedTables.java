package io.testbed.inference.rec;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import io.testbed.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy of each recommendation model's embedding tables for several ONNX Runtime sessions: the tables (the graph's
 * {@value #TABLE_PREFIX}* initializers) are copied once per model build into direct buffers, wrapped as tensors and
 * handed to each session with {@code SessionOptions.addInitializer}, so ONNX Runtime uses them in place instead of
 * deserialising a private copy per session (N workers then hold the tables once, not N times). A session is still
 * created from the whole graph (ONNX Runtime refuses an initializer without its data, and checks that external data
 * exists as a file), so each creation parses a transient copy of the tables, which ONNX Runtime frees but the C
 * allocator may keep (cloud-agents README, "Memory"). Thread-safe; close it only after every session created with it
 * (the tensors must outlive them).
 */
public final class SharedTables implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedTables.class);

  /** Name prefix of the embedding tables in a recommendation graph ({@code emb_0}, {@code emb_1}, ...). */
  public static final String TABLE_PREFIX = "emb_";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<String, Map<String, OnnxTensor>> byModel = new LinkedHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private boolean closed;

  /** Adds the model's shared tables to session options (creating them on the first call for this model build). */
  public void addTo(OrtSession.SessionOptions opts, RecModel model) throws InferenceException {
    try {
      for (Map.Entry<String, OnnxTensor> e : tensors(model).entrySet()) opts.addInitializer(e.getKey(), e.getValue());
    } catch (OrtException e) {
      throw new InferenceException("cannot share the embedding tables of '" + model.name() + "': " + e.getMessage(), e);
    }
  }

  /** The model's tables as tensors over direct buffers, by initializer name; created once per {@link RecModel#key()}. */
  public synchronized Map<String, OnnxTensor> tensors(RecModel model) throws InferenceException {
    if (closed) throw new IllegalStateException("shared tables are closed");
    Map<String, OnnxTensor> t = byModel.get(model.key());
    if (t != null) return t;
    Map<String, OnnxTensor> made = new LinkedHashMap<>();
    try {
      OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(model.onnxShared());
      for (OnnxMl.TensorProto init : proto.getGraph().getInitializerList()) {
        if (!init.getName().startsWith(TABLE_PREFIX) || init.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE) continue;
        ByteBuffer direct = ByteBuffer.allocateDirect(init.getRawData().size()).order(ByteOrder.nativeOrder());
        ByteBuffer le = init.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (le.hasRemaining()) direct.putFloat(le.getFloat());
        direct.flip();
        long[] dims = init.getDimsList().stream().mapToLong(Long::longValue).toArray();
        made.put(init.getName(), OnnxTensor.createTensor(env, direct.asFloatBuffer(), dims));
        bytes.addAndGet(direct.capacity());
      }
    } catch (InvalidProtocolBufferException | OrtException e) {
      made.values().forEach(OnnxTensor::close);
      throw new InferenceException("cannot share the embedding tables of '" + model.name() + "': " + e.getMessage(), e);
    }
    if (made.isEmpty()) throw new InferenceException("model '" + model.name() + "' has no " + TABLE_PREFIX + "* tables to share");
    log.debug("sharing {} embedding tables of {} ({} MB)", made.size(), model.key(),
        made.values().stream().mapToLong(x -> x.getInfo().getNumElements() * 4).sum() / 1_000_000);
    byModel.put(model.key(), Collections.unmodifiableMap(made));
    return byModel.get(model.key());
  }

  /** Bytes of table data held (all models). */
  public long bytes() { return bytes.get(); }

  /** Model builds whose tables are held. */
  public synchronized int models() { return byModel.size(); }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    byModel.values().forEach(m -> m.values().forEach(OnnxTensor::close));
    byModel.clear();
  }
}
