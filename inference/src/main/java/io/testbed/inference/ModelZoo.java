package io.testbed.inference;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The models a device can run, built in Java as ONNX graphs with seeded weights (no downloads). */
public final class ModelZoo {
  private final Set<String> names;
  private final Map<String, BuiltInModel> models = new ConcurrentHashMap<>();

  private ModelZoo(Set<String> names) { this.names = Collections.unmodifiableSet(new TreeSet<>(names)); }

  /** Every built-in model, deterministic weights. Graphs are built lazily on first use. */
  public static ModelZoo standard() { return new ModelZoo(Models.ALL.keySet()); }

  /** A subset of the built-in models; unknown names are refused, naming them and the known ones. */
  public static ModelZoo of(Collection<String> names) {
    List<String> unknown = names.stream().filter(n -> !Models.ALL.containsKey(n)).distinct().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown model" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown) + " (known: " + known() + ")");
    }
    return new ModelZoo(Set.copyOf(names));
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
    return models.computeIfAbsent(name, n -> new BuiltInModel(Models.ALL.get(n)));
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
