package io.testbed.cloud.rec;

import com.typesafe.config.ConfigFactory;
import io.testbed.cloud.config.RecSettings;
import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecModels;
import io.testbed.inference.rec.RecOutput;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Tiny recommendation models (every table at the 1000-row floor) and runner fakes shared by the rec tests. */
public final class RecFixtures {
  /** A scale that puts every table at RecModels.MIN_ROWS. */
  public static final double TINY = 1e-6;
  private static final Map<String, RecModel> BUILT = new ConcurrentHashMap<>();

  private RecFixtures() {}

  public static RecModel model(String name) { return BUILT.computeIfAbsent(name, n -> RecModels.build(n, TINY)); }

  public static Map<String, RecModel> models(String... names) {
    Map<String, RecModel> m = new LinkedHashMap<>();
    for (String n : names) m.put(n, model(n));
    return m;
  }

  /** reference.conf's settings for these models at the tiny scale. */
  public static RecSettings settings(String... names) {
    return RecSettings.fromConfig(ConfigFactory.load()).withModels(List.of(names)).withScale(TINY).withQueryTimeout(Duration.ofSeconds(20));
  }

  public static RecRunner.Factory ort() { return (w, i) -> RecRunner.onnxRuntime(ThreadSettings.single()); }

  /** A modelled accelerator computing real outputs with the settings' tables. */
  public static ModelledAccelerator accelerator(RecSettings s) {
    return RecServer.modelled(s, RecRunner.onnxRuntime(ThreadSettings.single()), ModelledAccelerator.Sleeper.SYSTEM);
  }

  public static RecServer server(RecSettings s, RecRunner.Factory runners) {
    Map<String, RecModel> m = new LinkedHashMap<>();
    for (String n : s.models()) m.put(n, model(n));
    return new RecServer(s, m, runners, accelerator(s), System::nanoTime);
  }

  /** A real runner that first waits for {@code gate} (slow workers) on batches matching {@code when}. */
  public static RecRunner.Factory gated(CountDownLatch gate, Predicate<RecBatch> when) {
    return (w, i) -> new RecRunner() {
      final RecRunner real = RecRunner.onnxRuntime(ThreadSettings.single());

      @Override public RecOutput run(RecModel model, RecBatch batch) throws InferenceException {
        if (when.test(batch)) {
          try {
            if (!gate.await(60, TimeUnit.SECONDS)) throw new InferenceException("gate never opened");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while held");
          }
        }
        return real.run(model, batch);
      }

      @Override public void warmUp(RecModel model) throws InferenceException { real.warmUp(model); }

      @Override public void close() { real.close(); }
    };
  }

  /** A real runner that throws on batches matching {@code when}. */
  public static RecRunner.Factory failing(Predicate<RecBatch> when, String message) {
    return (w, i) -> new RecRunner() {
      final RecRunner real = RecRunner.onnxRuntime(ThreadSettings.single());

      @Override public RecOutput run(RecModel model, RecBatch batch) throws InferenceException {
        if (when.test(batch)) throw new InferenceException(message);
        return real.run(model, batch);
      }

      @Override public void warmUp(RecModel model) throws InferenceException { real.warmUp(model); }

      @Override public void close() { real.close(); }
    };
  }
}
