package io.testbed.cloud.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {
  @ParameterizedTest(name = "N {0}, B {1}: {2} sub-requests, last {3} items")
  @CsvSource({
      "1, 1, 1, 1",
      "164, 64, 3, 36",
      "128, 64, 2, 64",
      "37, 8, 5, 5",
      "20, 1, 20, 1",
      "5, 1024, 1, 5"})
  void cpuQueriesSplitIntoCeilNOverBContiguousSubRequests(int n, int b, int subs, int lastItems) {
    BatchPolicy.Plan p = new BatchPolicy(b, 1025).plan(n);
    assertThat(p.path()).isEqualTo(BatchPolicy.Path.CPU);
    assertThat(p.subRequests()).isEqualTo(subs).isEqualTo((n + b - 1) / b);
    int at = 0;
    for (int[] r : p.ranges()) {
      assertThat(r[0]).isEqualTo(at);
      assertThat(r[1] - r[0]).isBetween(1, b);
      at = r[1];
    }
    assertThat(at).isEqualTo(n);
    int[] last = p.ranges().get(p.subRequests() - 1);
    assertThat(last[1] - last[0]).isEqualTo(lastItems);
  }

  @Test
  void queriesOfAtLeastTItemsGoWholeToTheAccelerator() {
    BatchPolicy p = new BatchPolicy(16, 100);
    assertThat(p.plan(99).path()).isEqualTo(BatchPolicy.Path.CPU);
    assertThat(p.plan(99).subRequests()).isEqualTo(7);
    BatchPolicy.Plan whole = p.plan(100);
    assertThat(whole.path()).isEqualTo(BatchPolicy.Path.ACCELERATOR);
    assertThat(whole.ranges()).hasSize(1);
    assertThat(List.of(whole.ranges().get(0)[0], whole.ranges().get(0)[1])).containsExactly(0, 100);
    assertThat(p.plan(1000).path()).isEqualTo(BatchPolicy.Path.ACCELERATOR);
    assertThat(new BatchPolicy(16, 1).plan(1).path()).isEqualTo(BatchPolicy.Path.ACCELERATOR);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(() -> new BatchPolicy(0, 10)).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> new BatchPolicy(1, 0)).hasMessageContaining("acceleratorThreshold");
    assertThatThrownBy(() -> new BatchPolicy(1, 10).plan(0)).hasMessageContaining("items");
  }
}
