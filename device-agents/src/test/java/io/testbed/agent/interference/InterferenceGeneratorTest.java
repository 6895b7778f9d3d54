package io.testbed.agent.interference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stressors: thread counts and duty cycles per level, measured co-runner load, and a real inference slowed by them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterferenceGeneratorTest {
  private final List<InterferenceGenerator> generators = new ArrayList<>();

  @AfterEach
  void stop() { generators.forEach(InterferenceGenerator::close); }

  private InterferenceGenerator generator(double capacityCores) {
    InterferenceGenerator g = new InterferenceGenerator("t", capacityCores, 16, 10, System.nanoTime());
    generators.add(g);
    return g;
  }

  @Test
  void levelsBecomeThreadsAndDutyCycles() {
    InterferenceGenerator phone = generator(0.35); // one (capped) core
    InterferenceGenerator.Applied a = phone.set(0.5, 0);
    assertThat(a.cpuThreads()).isEqualTo(1);
    assertThat(a.cpuDutyCycle()).isEqualTo(0.5);
    assertThat(a.memoryBufferMb()).isZero();
    InterferenceGenerator box = generator(4);
    InterferenceGenerator.Applied b = box.set(0.6, 0.2);
    assertThat(b.cpuThreads()).isEqualTo(3);
    assertThat(b.cpuDutyCycle()).isEqualTo(0.8, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(b.memoryBufferMb()).isEqualTo(16);
    assertThat(b.settings()).containsEntry("cpuLevel", 0.6).containsEntry("memoryLevel", 0.2).containsEntry("cpuThreads", 3);
    assertThat(box.set(0, 0).cpuThreads()).isZero();
    assertThatThrownBy(() -> box.set(1.5, 0)).hasMessageContaining("cpuLevel must be in [0, 1]");
  }

  @Test
  void measuresTheCoRunnersCpuAndMemoryLoad() throws Exception {
    InterferenceGenerator g = generator(1.0);
    g.sample(System.nanoTime());
    g.set(1.0, 0);
    Thread.sleep(1000);
    InterferenceGenerator.Sample busy = g.sample(System.nanoTime());
    // thresholds leave room for a host shared with other builds (2 cores)
    assertThat(busy.coRunnerCpuUtilisation()).isGreaterThan(0.3);
    assertThat(busy.memoryPressure()).isZero();

    g.set(0.25, 0);
    Thread.sleep(50);
    g.sample(System.nanoTime());
    Thread.sleep(1000);
    InterferenceGenerator.Sample quarter = g.sample(System.nanoTime());
    assertThat(quarter.coRunnerCpuUtilisation()).isBetween(0.05, 0.45).isLessThan(busy.coRunnerCpuUtilisation());

    g.set(0, 1.0);
    g.sample(System.nanoTime());
    Thread.sleep(1000);
    InterferenceGenerator.Sample memFull = g.sample(System.nanoTime());
    assertThat(memFull.memoryPressure()).isGreaterThan(0.25);
    assertThat(memFull.coRunnerCpuUtilisation()).as("the memory stressor's thread counts as co-runner cpu").isGreaterThan(0.2);
    g.set(0, 0.3);
    g.sample(System.nanoTime());
    Thread.sleep(1000);
    InterferenceGenerator.Sample memLow = g.sample(System.nanoTime());
    assertThat(memLow.memoryPressure()).isGreaterThan(0.02).isLessThan(memFull.memoryPressure());

    g.set(0, 0);
    g.sample(System.nanoTime());
    Thread.sleep(300);
    InterferenceGenerator.Sample idle = g.sample(System.nanoTime());
    assertThat(idle.coRunnerCpuUtilisation()).isLessThan(0.05);
    assertThat(idle.memoryPressure()).isZero();
  }

  @Test
  void aCpuStressorAtFullLevelSlowsARealInference() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    // twice as many busy threads as host cores: the inference thread gets well under a whole core
    InterferenceGenerator g = generator(2.0 * cores);
    try (InferenceEngine engine = new InferenceEngine(ModelZoo.of(List.of("mobilenet")), ThreadSettings.single())) {
      float[] input = InferenceEngine.syntheticInput(engine.zoo().model("mobilenet"), 1, 1);
      engine.warmUp("mobilenet", Precision.FP32);
      List<Double> quiet = new ArrayList<>();
      List<Double> stressed = new ArrayList<>();
      for (int round = 0; round < 3; round++) { // interleaved, so drifting host load hits both alike
        g.set(0, 0);
        for (int i = 0; i < 5; i++) quiet.add(wallMs(engine, input));
        g.set(1.0, 0);
        Thread.sleep(30);
        for (int i = 0; i < 5; i++) stressed.add(wallMs(engine, input));
      }
      g.set(0, 0);
      assertThat(median(stressed)).as("median with stressor %s vs without %s", stressed, quiet).isGreaterThan(1.2 * median(quiet));
    }
  }

  private static double wallMs(InferenceEngine engine, float[] input) throws Exception {
    long t0 = System.nanoTime();
    engine.run("mobilenet", Precision.FP32, input, 1);
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a[a.length / 2];
  }
}
