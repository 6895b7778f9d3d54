package io.testbed.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThreadSettingsTest {
  @Test
  void namedSettings() {
    assertThat(ThreadSettings.single()).isEqualTo(new ThreadSettings(1, 1, false));
    assertThat(ThreadSettings.runtimeDefault()).isEqualTo(new ThreadSettings(0, 0, false));
    assertThat(ThreadSettings.vendorRecommended(2, 8)).isEqualTo(new ThreadSettings(8, 2, true));
    assertThat(ThreadSettings.vendorRecommended(1, 4)).isEqualTo(new ThreadSettings(4, 1, false));
    assertThatThrownBy(() -> new ThreadSettings(-1, 1, false)).hasMessageContaining("intraOpThreads must be >= 0");
    assertThatThrownBy(() -> new ThreadSettings(1, -2, true)).hasMessageContaining("interOpThreads must be >= 0");
  }

  @ParameterizedTest
  @CsvSource({
    // cores, width, intra, inter, parallel
    "4, 2.64, 1, 3, true",
    "8, 2.64, 2, 3, true",
    "2, 1.0,  2, 1, false",
    "2, 5.0,  1, 2, true",
    "16, 1.17, 16, 1, false",
    "4, 0.0,  4, 1, false",
  })
  void guidelineOfSection6(int cores, double width, int intra, int inter, boolean parallel) {
    ThreadSettings t = ThreadSettings.guideline(cores, width);
    assertThat(t).isEqualTo(new ThreadSettings(intra, inter, parallel));
    assertThat(t.intraOpThreads() * t.interOpThreads()).isLessThanOrEqualTo(cores);
  }

  /**
   * ONNX Runtime starts (intra - 1) pool threads, plus (inter - 1) when execution is parallel, and joins them when the
   * session closes: count the process's native threads around a session.
   */
  @ParameterizedTest
  @CsvSource({
    "1, 1, false, 0",
    "3, 1, false, 2",
    "2, 2, false, 1",
    "1, 3, true,  2",
    "2, 2, true,  2",
  })
  void sessionsStartTheThreadsTheSettingsAsk(int intra, int inter, boolean parallel, int extraThreads) throws Exception {
    ModelZoo zoo = ModelZoo.of(List.of("mlp"));
    try (InferenceEngine warm = new InferenceEngine(zoo, ThreadSettings.single())) {
      warm.warmUp("mlp", Precision.FP32); // native library loaded, JVM threads settled
    }
    long[] seen = new long[3];
    for (int attempt = 0; attempt < seen.length; attempt++) { // other JVM threads may come and go: retry, exact match required
      long before = threadCount();
      long during;
      try (InferenceEngine e = new InferenceEngine(zoo, new ThreadSettings(intra, inter, parallel))) {
        e.warmUp("mlp", Precision.FP32);
        assertThat(e.threads()).isEqualTo(new ThreadSettings(intra, inter, parallel));
        during = threadCount();
      }
      seen[attempt] = during - before;
      if (seen[attempt] == extraThreads) break;
    }
    assertThat(seen).contains(extraThreads);
  }

  private static long threadCount() throws Exception {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.count();
    }
  }
}
