package io.testbed.power.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pure package (pipeline; clock sync and energy integration moved to the orchestrator's policy.clock / policy.energy) free of I/O, MQTT, config and threads (house rule 1: decisions are
 * pure). A source scan rather than ArchUnit, which this module does not depend on.
 */
class PureLogicTest {
  private static final List<String> PURE = List.of("pipeline");
  private static final List<String> FORBIDDEN =
      List.of("import org.eclipse.paho", "import com.typesafe", "import java.net", "import java.nio.file", "import java.io", "import org.slf4j",
          "import io.testbed.power.adapter", "import io.testbed.power.app", "System.currentTimeMillis", "System.nanoTime", "Instant.now",
          "new Random(", "Thread.sleep");

  @Test
  void purePackagesImportNoInfrastructureAndReadNoClock() throws IOException {
    Path root = Path.of("src/main/java/io/testbed/power");
    int files = 0;
    for (String pkg : PURE) {
      try (Stream<Path> sources = Files.list(root.resolve(pkg))) {
        for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          String text = Files.readString(f);
          for (String bad : FORBIDDEN) assertThat(text).as(f + " must not use " + bad).doesNotContain(bad);
        }
      }
    }
    assertThat(files).isGreaterThanOrEqualTo(3);
  }
}
