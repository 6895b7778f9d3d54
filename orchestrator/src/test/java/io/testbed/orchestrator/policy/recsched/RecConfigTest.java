package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecConfigTest {
  static Stream<Arguments> splits() {
    return Stream.of(
        Arguments.of(64, 164, new int[] {64, 64, 36}),
        Arguments.of(1024, 164, new int[] {164}),
        Arguments.of(1, 3, new int[] {1, 1, 1}),
        Arguments.of(50, 100, new int[] {50, 50}),
        Arguments.of(8, 1, new int[] {1}));
  }

  @ParameterizedTest(name = "B={0}, {1} items -> {2}")
  @MethodSource("splits")
  void aQueryIsSplitIntoSubRequestsOfAtMostB(int b, int items, int[] sizes) {
    assertThat(RecConfig.cpuOnly(b).split(items)).containsExactly(sizes);
  }

  @Test
  void queriesAtOrAboveTheThresholdOffload() {
    RecConfig c = new RecConfig(32, 256);
    assertThat(c.offloads(255)).isFalse();
    assertThat(c.offloads(256)).isTrue();
    assertThat(RecConfig.cpuOnly(32).offloads(1024)).isFalse();
    assertThat(c.toString()).isEqualTo("B=32,T=256");
    assertThat(RecConfig.cpuOnly(32).toString()).isEqualTo("B=32,T=none");
    assertThatThrownBy(() -> new RecConfig(0, 1)).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> new RecConfig(1, 0)).hasMessageContaining("offloadThreshold");
  }
}
