package io.testbed.orchestrator.policy.recsched;

/**
 * Picks the recommendation server for the next query among N (the "several servers behind one scheduler").
 * {@link Strategy#JOIN_SHORTEST_QUEUE} (the default we use): the server with the fewest outstanding queries (issued,
 * not yet completed or timed out), ties broken round-robin from {@code queryId mod N} so equal servers share evenly;
 * {@link Strategy#ROUND_ROBIN}: server {@code queryId mod N}. Pure and stateless: the actor keeps the outstanding
 * counts (+1 on issue, -1 on completion or timeout) and passes them in.
 */
public record LoadBalancer(Strategy strategy) {

  /** How a server is chosen. */
  public enum Strategy { ROUND_ROBIN, JOIN_SHORTEST_QUEUE }

  public LoadBalancer {
    if (strategy == null) throw new IllegalArgumentException("strategy is required");
  }

  /** The index (0..N-1) of the server for query {@code queryId}; {@code outstanding[i]} is server i's count. */
  public int choose(long queryId, int[] outstanding) {
    int n = outstanding.length;
    if (n == 0) throw new IllegalArgumentException("no servers");
    int first = (int) Math.floorMod(queryId, (long) n);
    if (strategy == Strategy.ROUND_ROBIN) return first;
    int bestServer = first;
    for (int k = 1; k < n; k++) {
      int i = (first + k) % n;
      if (outstanding[i] < outstanding[bestServer]) bestServer = i;
    }
    return bestServer;
  }
}
