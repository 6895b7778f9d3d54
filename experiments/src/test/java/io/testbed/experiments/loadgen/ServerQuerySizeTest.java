package io.testbed.experiments.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LoadGen's Server scenario with a query-size distribution ({@code scenario.querySize}, SYSTEMS.md section 2). */
class ServerQuerySizeTest {
  private static final long MS = 1_000_000L;

  private static List<Query> issued(LoadGenSettings s) throws InterruptedException {
    VirtualTicker ticker = new VirtualTicker(5_000 * MS);
    SimulatedSut sim = SimulatedSut.fixed(ticker, 5 * MS);
    List<Query> queries = new ArrayList<>();
    new LoadGen(ticker).run(s, (q, c) -> {
      queries.add(q);
      sim.issue(q, c);
    });
    return queries;
  }

  private static LoadGenSettings.Builder server() {
    return LoadGenSettings.builder(Scenario.SERVER).targetQps(200).latencyBoundMs(100).minDurationMs(0)
        .minQueryCount(4000).seed(7);
  }

  @Test
  void everyServerQueryCarriesItsItemCountFromTheDistribution() throws Exception {
    List<Query> fixed = issued(server().querySize(QuerySizeDistribution.fixed(128)).build());
    assertThat(fixed).hasSize(4000).allSatisfy(q -> assertThat(q.items()).isEqualTo(128));

    List<Query> logn = issued(server().querySize(QuerySizeDistribution.defaultDistribution()).build());
    int[] items = logn.stream().mapToInt(Query::items).sorted().toArray();
    assertThat(items[0]).isGreaterThanOrEqualTo(1);
    assertThat(items[items.length - 1]).isLessThanOrEqualTo(1024);
    // lognormal(5.1, 0.2): median e^5.1 ~ 164
    assertThat((double) items[items.length / 2]).isBetween(164 * 0.95, 164 * 1.05);
  }

  @Test
  void withoutADistributionQueriesHaveNoItemCount() throws Exception {
    assertThat(issued(server().minQueryCount(100).build())).allSatisfy(q -> assertThat(q.items()).isZero());
  }

  @Test
  void sizesAreAThirdStreamLeavingScheduleAndSamplesUnchanged() throws Exception {
    List<Query> without = issued(server().build());
    List<Query> with = issued(server().querySize(QuerySizeDistribution.normal(164, 33)).build());
    assertThat(with).extracting(Query::scheduledNs).containsExactlyElementsOf(without.stream().map(Query::scheduledNs).toList());
    assertThat(with).extracting(Query::sampleIndices).containsExactlyElementsOf(without.stream().map(Query::sampleIndices).toList());
    List<Query> again = issued(server().querySize(QuerySizeDistribution.normal(164, 33)).build());
    assertThat(again).extracting(Query::items).containsExactlyElementsOf(with.stream().map(Query::items).toList());
  }

  @Test
  void querySizeAppliesToServerOnly() {
    assertThatThrownBy(() -> LoadGenSettings.builder(Scenario.SINGLE_STREAM).querySize(QuerySizeDistribution.fixed(4)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Server only");
  }
}
