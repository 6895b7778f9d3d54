package io.testbed.orchestrator.actor.recsched;

import io.testbed.orchestrator.port.RecServerPort;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;

/**
 * A fake {@link RecServerPort} with a known latency model: the servers together sustain {@code capacity(B)} QPS, and a
 * query's latency is {@code baseMs / (1 - rate / capacity)} for the offered rate measured over the last 32 arrivals
 * (5x the base when the rate reaches capacity). Answers arrive after that latency on a timer thread.
 */
final class SyntheticRecServers implements RecServerPort {
  private final double baseMs;
  private final IntToDoubleFunction capacity;
  private final boolean rejectAll;
  private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
  final Map<String, Integer> batchSize = new ConcurrentHashMap<>();
  final List<String> pushes = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Integer> queriesPerServer = new ConcurrentHashMap<>();

  SyntheticRecServers(double baseMs, IntToDoubleFunction capacity, boolean rejectAll) {
    this.baseMs = baseMs;
    this.capacity = capacity;
    this.rejectAll = rejectAll;
  }

  @Override
  public CompletionStage<QueryReply> query(String endpoint, String model, int items, long seed, String rowDistribution,
      Duration timeout) {
    queriesPerServer.merge(endpoint, 1, Integer::sum);
    if (rejectAll) return CompletableFuture.completedFuture(new QueryReply(false, 503, true, "rejected: queue full (capacity 0)"));
    double rate;
    synchronized (arrivals) {
      long now = System.nanoTime();
      arrivals.addLast(now);
      while (arrivals.size() > 32) arrivals.removeFirst();
      rate = arrivals.size() < 8 ? 0 : (arrivals.size() - 1) / ((now - arrivals.peekFirst()) / 1e9);
    }
    double c = capacity.applyAsDouble(batchSize.getOrDefault(endpoint, 64));
    double latencyMs = rate >= c ? 5 * baseMs : Math.min(5 * baseMs, baseMs / (1 - rate / c));
    return CompletableFuture.supplyAsync(() -> new QueryReply(true, 200, false, null),
        CompletableFuture.delayedExecutor((long) (latencyMs * 1000), TimeUnit.MICROSECONDS));
  }

  @Override
  public CompletionStage<ConfigReply> configure(String endpoint, String model, int b, int t) {
    batchSize.put(endpoint, b);
    pushes.add(endpoint + " " + model + " B=" + b + " T=" + t);
    return CompletableFuture.completedFuture(new ConfigReply(true, null));
  }

  @Override
  public CompletionStage<ServerConfig> describe(String endpoint) {
    return CompletableFuture.completedFuture(new ServerConfig(true, null, 2, 1, "modelled", 1025));
  }
}
