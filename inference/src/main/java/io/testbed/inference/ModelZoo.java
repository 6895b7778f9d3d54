package io.testbed.inference;

import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The models a device can run, built in Java as ONNX graphs with seeded weights (no downloads). */
public final class ModelZoo {
  private final Set<String> names;
  private final ModelCache cache;
  private final Map<String, BuiltInModel> models = new ConcurrentHashMap<>();

  private ModelZoo(Set<String> names, ModelCache cache) {
    if (cache == null) throw new IllegalArgumentException("cache is required (ModelCache.none() for none)");
    this.names = Collections.unmodifiableSet(new TreeSet<>(names));
    this.cache = cache;
  }

  /**
   * Every built-in model, deterministic weights. Graphs are built lazily on first use, through the host's model
   * cache ({@link ModelCache#fromEnvironment()}).
   */
  public static ModelZoo standard() { return standard(ModelCache.fromEnvironment()); }

  /** Every built-in model, graphs read from or stored in {@code cache}. */
  public static ModelZoo standard(ModelCache cache) { return new ModelZoo(Models.ALL.keySet(), cache); }

  /** A subset of the built-in models (through the host's model cache); unknown names are refused, naming them and the known ones. */
  public static ModelZoo of(Collection<String> names) { return of(names, ModelCache.fromEnvironment()); }

  /** A subset of the built-in models, graphs read from or stored in {@code cache}. */
  public static ModelZoo of(Collection<String> names, ModelCache cache) {
    List<String> unknown = names.stream().filter(n -> !Models.ALL.containsKey(n)).distinct().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown model" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown) + " (known: " + known() + ")");
    }
    return new ModelZoo(Set.copyOf(names), cache);
  }

  /** Where this zoo's graphs are cached. */
  public ModelCache cache() { return cache; }

  /**
   * Builds (or reads from the cache) every precision of every model of this zoo, {@code threads} models at a time;
   * for a launcher that fills the host's cache before its agent processes start.
   */
  public void prebuild(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "zoo-prebuild");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String n : names) {
        done.add(pool.submit(() -> {
          ZooModel m = model(n);
          for (Precision p : m.precisions()) m.features(p);
        }));
      }
      for (Future<?> f : done) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the model zoo", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("building the model zoo failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The names of every built-in model, sorted. */
  public static Set<String> builtInNames() { return Collections.unmodifiableSet(new TreeSet<>(Models.ALL.keySet())); }

  /** This zoo's model names, sorted. */
  public Set<String> names() { return names; }

  public boolean has(String name) { return names.contains(name); }

  /** The named model, built on first access and cached. */
  public ZooModel model(String name) { return builtIn(name); }

  BuiltInModel builtIn(String name) {
    if (!names.contains(name)) throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", names) + ")");
    return models.computeIfAbsent(name, n -> new BuiltInModel(Models.ALL.get(n), cache));
  }

  /** Every model of this zoo, in name order. */
  public Map<String, ZooModel> models() {
    Map<String, ZooModel> m = new LinkedHashMap<>();
    for (String n : names) m.put(n, model(n));
    return Collections.unmodifiableMap(m);
  }

  @Override public String toString() { return "ModelZoo" + names; }

  private static String known() { return String.join(", ", new TreeSet<>(Models.ALL.keySet())); }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }
}
