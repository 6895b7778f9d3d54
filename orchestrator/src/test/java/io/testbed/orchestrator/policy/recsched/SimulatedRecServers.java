package io.testbed.orchestrator.policy.recsched;

import io.testbed.experiments.loadgen.querysize.PoissonArrivals;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event stand-in for N recommendation servers, for tests and the bench only (SYSTEMS.md section 2's server
 * model): each server has {@code workers} CPU workers on one shared FIFO of sub-requests (a query of N items is split
 * into sub-requests of at most B items; query latency = max over its sub-requests) and optionally one accelerator with
 * its own FIFO (queries of >= T items go there whole). A sub-request of b items takes {@code cpuFixedNs +
 * cpuPerItemNs * b}; an offloaded query of n items {@code accFixedNs + accPerItemNs * n}. Poisson arrivals at the
 * scheduler's current load, query sizes from a {@link QuerySizeDistribution}, servers chosen by a
 * {@link LoadBalancer}; the loop drives a {@link RecScheduler} exactly as the actor will (epochs, 64-query windows).
 * Simulated time only: deterministic for a seed, no wall clock.
 */
final class SimulatedRecServers {

  /** Service-time model of one recommendation model on one server. */
  record CostModel(String name, long cpuFixedNs, double cpuPerItemNs, long accFixedNs, double accPerItemNs) {}

  /** The scheduler's verdict and how much simulated time and how many queries it took. */
  record Outcome(RecSchedDecision.Finished finished, long simulatedNs, long queries) {}

  private record Event(long atNs, long seq, int kind, int server, Query query) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) { return atNs != o.atNs ? Long.compare(atNs, o.atNs) : Long.compare(seq, o.seq); }
  }

  private static final int ARRIVAL = 0;
  private static final int CPU_DONE = 1;
  private static final int ACC_DONE = 2;

  private static final class Query {
    final long id;
    final long arrivalNs;
    final long epoch;
    final int server;
    int remaining;

    Query(long id, long arrivalNs, long epoch, int server) {
      this.id = id;
      this.arrivalNs = arrivalNs;
      this.epoch = epoch;
      this.server = server;
    }
  }

  private record SubRequest(Query query, int items) {}

  private static final class Server {
    final ArrayDeque<SubRequest> cpuQueue = new ArrayDeque<>();
    final ArrayDeque<SubRequest> accQueue = new ArrayDeque<>();
    int freeWorkers;
    boolean accBusy;
  }

  private final CostModel cost;
  private final int workers;
  private final boolean accelerator;
  private final QuerySizeDistribution sizes;
  private final LoadBalancer balancer;
  private final long seed;

  SimulatedRecServers(CostModel cost, int workers, boolean accelerator, QuerySizeDistribution sizes,
      LoadBalancer balancer, long seed) {
    this.cost = cost;
    this.workers = workers;
    this.accelerator = accelerator;
    this.sizes = sizes;
    this.balancer = balancer;
    this.seed = seed;
  }

  /** Runs until the scheduler finishes (or {@code maxSimulatedNs} passes: then an AssertionError). */
  Outcome run(RecScheduler scheduler, int servers, int windowQueries, long maxSimulatedNs) {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom sizeRng = root.split();
    Server[] srv = new Server[servers];
    for (int i = 0; i < servers; i++) {
      srv[i] = new Server();
      srv[i].freeWorkers = workers;
    }
    int[] outstanding = new int[servers];
    PriorityQueue<Event> events = new PriorityQueue<>();
    long[] seq = {0};
    P95Window window = new P95Window(windowQueries);

    RecSchedDecision.Configure first = (RecSchedDecision.Configure) scheduler.start(0);
    RecConfig config = first.config();
    long epoch = first.epoch();
    window.beginEpoch(epoch);
    PoissonArrivals arrivals = new PoissonArrivals(root.split(), first.qps(), 0);
    events.add(new Event(arrivals.nextNs(), seq[0]++, ARRIVAL, -1, null));
    long nextQueryId = 0;

    while (!events.isEmpty()) {
      Event e = events.poll();
      long now = e.atNs();
      if (now > maxSimulatedNs) throw new AssertionError("scheduler did not finish within the simulated time limit");
      if (e.kind() == ARRIVAL) {
        long id = nextQueryId++;
        int items = sizes.sample(sizeRng);
        int s = balancer.choose(id, outstanding);
        outstanding[s]++;
        Query q = new Query(id, now, epoch, s);
        if (accelerator && config.offloads(items)) {
          q.remaining = 1;
          srv[s].accQueue.add(new SubRequest(q, items));
        } else {
          int[] parts = config.split(items);
          q.remaining = parts.length;
          for (int p : parts) srv[s].cpuQueue.add(new SubRequest(q, p));
        }
        dispatch(srv[s], s, now, events, seq);
        events.add(new Event(arrivals.nextNs(), seq[0]++, ARRIVAL, -1, null));
        continue;
      }
      Server sv = srv[e.server()];
      if (e.kind() == CPU_DONE) sv.freeWorkers++;
      else sv.accBusy = false;
      dispatch(sv, e.server(), now, events, seq);
      Query q = e.query();
      if (--q.remaining > 0) continue;
      outstanding[q.server]--;
      Optional<WindowStats> w = window.offer(q.epoch, now - q.arrivalNs, now);
      if (w.isEmpty()) continue;
      RecSchedDecision d = scheduler.onWindow(w.get());
      if (d instanceof RecSchedDecision.Finished f) return new Outcome(f, now, nextQueryId);
      if (d instanceof RecSchedDecision.Configure c) {
        config = c.config();
        epoch = c.epoch();
        window.beginEpoch(epoch);
        arrivals.changeRate(c.qps(), now);
        replaceNextArrival(events, arrivals, seq);
      } else if (d instanceof RecSchedDecision.SetLoad l) {
        epoch = l.epoch();
        window.beginEpoch(epoch);
        arrivals.changeRate(l.qps(), now);
        replaceNextArrival(events, arrivals, seq);
      }
    }
    throw new AssertionError("no events left");
  }

  /** The pending arrival was drawn at the old rate: swap it for the redrawn one. */
  private static void replaceNextArrival(PriorityQueue<Event> events, PoissonArrivals arrivals, long[] seq) {
    events.removeIf(x -> x.kind() == ARRIVAL);
    events.add(new Event(arrivals.nextNs(), seq[0]++, ARRIVAL, -1, null));
  }

  private void dispatch(Server sv, int s, long now, PriorityQueue<Event> events, long[] seq) {
    while (sv.freeWorkers > 0 && !sv.cpuQueue.isEmpty()) {
      SubRequest r = sv.cpuQueue.poll();
      sv.freeWorkers--;
      long t = cost.cpuFixedNs() + Math.round(cost.cpuPerItemNs() * r.items());
      events.add(new Event(now + t, seq[0]++, CPU_DONE, s, r.query()));
    }
    if (!sv.accBusy && !sv.accQueue.isEmpty()) {
      SubRequest r = sv.accQueue.poll();
      sv.accBusy = true;
      long t = cost.accFixedNs() + Math.round(cost.accPerItemNs() * r.items());
      events.add(new Event(now + t, seq[0]++, ACC_DONE, s, r.query()));
    }
  }
}
