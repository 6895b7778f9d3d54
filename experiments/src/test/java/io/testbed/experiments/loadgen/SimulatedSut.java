package io.testbed.experiments.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/** A system under test on simulated time whose latency per query id is known in advance. */
final class SimulatedSut implements SystemUnderTest {
  private final VirtualTicker ticker;
  private final LongUnaryOperator latencyOfQuery;
  final List<Query> issued = new ArrayList<>();
  int maxOutstanding;
  private int outstanding;

  SimulatedSut(VirtualTicker ticker, LongUnaryOperator latencyOfQuery) {
    this.ticker = ticker;
    this.latencyOfQuery = latencyOfQuery;
  }

  static SimulatedSut fixed(VirtualTicker ticker, long latencyNs) { return new SimulatedSut(ticker, id -> latencyNs); }

  @Override
  public void issue(Query query, QueryCompletion completion) {
    issued.add(query);
    outstanding++;
    maxOutstanding = Math.max(maxOutstanding, outstanding);
    long latency = latencyOfQuery.applyAsLong(query.id());
    if (latency < 0) return; // never completes
    ticker.scheduleAfter(latency, () -> {
      outstanding--;
      completion.complete(QueryOutcome.ok("sim-1", "cpu").withDigest("d" + query.sampleIndices()));
    });
  }

  @Override
  public String name() { return "simulated"; }
}
