package io.testbed.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime sessions an engine owns, by key: created once on first use (one creation at a time, since sessions
 * are heavy and the host is small), used by runs under a read lock, and freed by {@link #close()} under the write
 * lock, so no session is freed under a running inference. Shared by {@link InferenceEngine} and the recommendation
 * engine.
 *
 * @param <K> the key (model and precision, or a recommendation model's build)
 * @param <V> what is kept per key: the session and whatever the engine needs beside it
 */
public final class SessionCache<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionCache.class);

  /** Creates the value for a key that has none yet. */
  public interface Creator<V> {
    V create() throws InferenceException;
  }

  private final String owner;
  private final Function<V, OrtSession> session;
  private final Map<K, V> entries = new ConcurrentHashMap<>();
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * @param owner names the owner in the error after {@link #close()} ("inference engine is closed")
   * @param session the session inside a value, to close it
   */
  public SessionCache(String owner, Function<V, OrtSession> session) {
    this.owner = owner;
    this.session = session;
  }

  /** Begins a run: holds the read lock until {@link #release()}; IllegalStateException once closed. */
  public void acquire() {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new IllegalStateException(owner + " is closed");
    }
  }

  /** Ends a run begun with {@link #acquire()}. */
  public void release() { lifecycle.readLock().unlock(); }

  /** The key's value, created by {@code creator} if there is none yet (between {@link #acquire()} and {@link #release()}). */
  public V get(K key, Creator<V> creator) throws InferenceException {
    V v = entries.get(key);
    if (v != null) return v;
    synchronized (entries) {
      v = entries.get(key);
      if (v != null) return v;
      v = creator.create();
      entries.put(key, v);
      return v;
    }
  }

  /** Number of sessions created so far. */
  public int size() { return entries.size(); }

  /** Closes every session once no run holds one; runs after this get IllegalStateException. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
      for (Map.Entry<K, V> e : entries.entrySet()) {
        try {
          session.apply(e.getValue()).close();
        } catch (OrtException ex) {
          log.warn("{}: closing the session of {} failed: {}", owner, e.getKey(), ex.getMessage());
        }
      }
      entries.clear();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
