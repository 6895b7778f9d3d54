package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.orchestrator.policy.recsched.LoadBalancer.Strategy;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoadBalancerTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 0L, new int[] {3, 1, 2}, 1),
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 7L, new int[] {0, 5}, 0),
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 0L, new int[] {2, 2, 2}, 0), // tie: start at id mod n
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 1L, new int[] {2, 2, 2}, 1),
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 5L, new int[] {2, 2, 2}, 2),
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 2L, new int[] {1, 4, 9}, 0), // no tie: shortest wins
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 1L, new int[] {1, 4, 1}, 2), // tie 0/2 from 1: 2 comes first
        Arguments.of(Strategy.JOIN_SHORTEST_QUEUE, 9L, new int[] {4}, 0),
        Arguments.of(Strategy.ROUND_ROBIN, 0L, new int[] {9, 0}, 0),
        Arguments.of(Strategy.ROUND_ROBIN, 3L, new int[] {0, 0, 0}, 0),
        Arguments.of(Strategy.ROUND_ROBIN, 4L, new int[] {0, 9, 0}, 1),
        Arguments.of(Strategy.ROUND_ROBIN, -1L, new int[] {0, 0, 0}, 2));
  }

  @ParameterizedTest(name = "{0} query {1} over {2} -> {3}")
  @MethodSource("cases")
  void choosesTheServer(Strategy s, long queryId, int[] outstanding, int expected) {
    assertThat(new LoadBalancer(s).choose(queryId, outstanding)).isEqualTo(expected);
  }

  @Test
  void equalServersShareEvenlyUnderJsq() {
    LoadBalancer lb = new LoadBalancer(Strategy.JOIN_SHORTEST_QUEUE);
    int[] outstanding = new int[3];
    int[] sent = new int[3];
    for (long q = 0; q < 300; q++) {
      int i = lb.choose(q, outstanding);
      sent[i]++;
      outstanding[i]++;
      if (q % 3 == 2) java.util.Arrays.fill(outstanding, 0); // all three complete together
    }
    assertThat(sent).containsExactly(100, 100, 100);
  }

  @Test
  void aSlowServerGetsFewerQueriesUnderJsq() {
    LoadBalancer lb = new LoadBalancer(Strategy.JOIN_SHORTEST_QUEUE);
    int[] outstanding = new int[2];
    int[] sent = new int[2];
    for (long q = 0; q < 1000; q++) {
      int i = lb.choose(q, outstanding);
      sent[i]++;
      outstanding[i]++;
      outstanding[0] = Math.max(0, outstanding[0] - 1); // server 0 completes one per query, server 1 one per 4
      if (q % 4 == 0) outstanding[1] = Math.max(0, outstanding[1] - 1);
    }
    assertThat(sent[0]).isGreaterThan(2 * sent[1]);
    assertThat(sent[0] + sent[1]).isEqualTo(1000);
  }

  @Test
  void noServersIsRefused() {
    assertThatThrownBy(() -> new LoadBalancer(Strategy.ROUND_ROBIN).choose(0, new int[0])).hasMessageContaining("no servers");
  }
}
