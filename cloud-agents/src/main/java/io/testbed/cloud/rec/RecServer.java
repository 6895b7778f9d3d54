package io.testbed.cloud.rec;

import io.testbed.cloud.config.RecSettings;
import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecInputs;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecModels;
import io.testbed.inference.rec.RecOutput;
import io.testbed.inference.rec.SharedTables;
import io.testbed.protocol.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommendation server of DeepRecSys (SYSTEMS.md section 2): a pool of CPU workers, each with its own runner
 * (its own ONNX Runtime sessions), taking sub-requests from one shared FIFO; a query of N items is split into
 * ceil(N / B) sub-requests and completes when its last one does (outputs concatenated in order); a query of N >= T
 * items goes whole to the accelerator queue (a single server). B and T are per model and settable at run time.
 * Admission is bounded: at most {@code queueCapacity} queries on the CPU path (and the accelerator's capacity on its
 * path) are admitted and unfinished; beyond that a query is rejected and counted. Every admitted query finishes:
 * served, failed with the failing sub-request's reason, or timed out after {@code queryTimeout}.
 * {@link #submit} never blocks and its stage never fails exceptionally.
 */
public final class RecServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RecServer.class);

  private final RecSettings settings;
  private final Map<String, RecModel> models;
  private final Map<String, AtomicReference<BatchPolicy>> policies = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> nextInstance = new LinkedHashMap<>();
  private final Accelerator accelerator;
  private final RecRunner[][] runners; // [worker][instance]
  private final BlockingQueue<Sub> fifo = new LinkedBlockingQueue<>();
  private final BlockingQueue<Task> acceleratorFifo = new LinkedBlockingQueue<>();
  private final AtomicInteger cpuAdmitted = new AtomicInteger();
  private final AtomicInteger acceleratorAdmitted = new AtomicInteger();
  private final AtomicInteger busyWorkers = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final ExecutorService inputs;
  private final ScheduledThreadPoolExecutor timer;
  private final RecStats stats;
  private final LongSupplier nanoTime;
  private final CountDownLatch warm;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Map<Long, Task> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<SharedTables> sharedTables;
  private volatile boolean running = true;

  /**
   * @param models the built models, by name, in the order they are listed
   * @param runnerFactory makes each worker's runner per model instance
   * @param accelerator the device behind the accelerator queue
   * @param nanoTime monotonic clock for the latency figures
   */
  public RecServer(RecSettings settings, Map<String, RecModel> models, RecRunner.Factory runnerFactory, Accelerator accelerator, LongSupplier nanoTime) {
    this(settings, models, runnerFactory, accelerator, nanoTime, List.of());
  }

  /**
   * @param sharedTables the tables the runners' sessions share (closed by {@link #close} after the runners; empty when
   *     every session holds its own)
   */
  public RecServer(RecSettings settings, Map<String, RecModel> models, RecRunner.Factory runnerFactory, Accelerator accelerator,
      LongSupplier nanoTime, List<SharedTables> sharedTables) {
    this.sharedTables = List.copyOf(sharedTables);
    if (models.isEmpty()) throw new IllegalArgumentException("a recommendation server needs at least one model");
    this.settings = settings;
    this.models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    this.accelerator = accelerator;
    this.nanoTime = nanoTime;
    this.stats = new RecStats(List.copyOf(models.keySet()));
    BatchPolicy initial = new BatchPolicy(settings.batchSize(), settings.acceleratorThreshold());
    for (String m : models.keySet()) {
      policies.put(m, new AtomicReference<>(initial));
      nextInstance.put(m, new AtomicInteger());
    }
    this.runners = new RecRunner[settings.workers()][settings.instances()];
    for (int w = 0; w < settings.workers(); w++) {
      for (int i = 0; i < settings.instances(); i++) runners[w][i] = runnerFactory.create(w, i);
    }
    AtomicInteger n = new AtomicInteger();
    this.inputs = new ThreadPoolExecutor(settings.inputThreads(), settings.inputThreads(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        r -> daemon(r, "rec-inputs-" + n.incrementAndGet()));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "rec-timeouts"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.warm = new CountDownLatch(settings.workers() + 1);
    for (int w = 0; w < settings.workers(); w++) {
      int worker = w;
      Thread t = daemon(() -> workerLoop(worker), "rec-worker-" + (w + 1));
      threads.add(t);
    }
    threads.add(daemon(this::acceleratorLoop, "rec-accelerator"));
    threads.forEach(Thread::start);
    Thread readiness = daemon(() -> {
      try {
        warm.await();
        ready.complete(null);
      } catch (InterruptedException e) {
        ready.completeExceptionally(e);
      }
    }, "rec-ready");
    readiness.start();
    LOG.info("recommendation server: models {}, {} workers x {} instances, B {}, T {}, queue capacity {}, accelerator: {}", models.keySet(),
        settings.workers(), settings.instances(), settings.batchSize(), settings.acceleratorThreshold(), settings.queueCapacity(),
        accelerator.description());
  }

  /**
   * Builds the configured models (at the configured scale, or each model's default), one ONNX Runtime runner per
   * worker and instance, and the accelerator: CUDA when asked for or available ({@code auto}), else modelled.
   */
  public static RecServer start(RecSettings s) {
    Map<String, RecModel> built = new LinkedHashMap<>();
    for (String name : s.models()) {
      try {
        built.put(name, s.scale() > 0 ? RecModels.build(name, s.scale()) : RecModels.build(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("testbed.cloud.rec.models: " + e.getMessage(), e);
      }
    }
    ThreadSettings threads = new ThreadSettings(s.intraOpThreads(), 1, false);
    if (!s.shareTables()) return new RecServer(s, built, (w, i) -> RecRunner.onnxRuntime(threads), accelerator(s, threads, null), System::nanoTime);
    // One copy of the tables per co-located instance, shared by every worker's session of that instance (and the
    // modelled accelerator's CPU session with instance 0).
    List<SharedTables> shared = new ArrayList<>();
    for (int i = 0; i < s.instances(); i++) shared.add(new SharedTables());
    return new RecServer(s, built, (w, i) -> RecRunner.onnxRuntime(threads, shared.get(i)), accelerator(s, threads, shared.get(0)),
        System::nanoTime, shared);
  }

  /** The accelerator the settings ask for: CUDA ({@code real}, or {@code auto} when ONNX Runtime offers it), else modelled. */
  static Accelerator accelerator(RecSettings s, ThreadSettings threads) {
    return accelerator(s, threads, null);
  }

  /** As {@link #accelerator(RecSettings, ThreadSettings)}; the modelled accelerator's CPU session takes its tables from {@code shared}. */
  static Accelerator accelerator(RecSettings s, ThreadSettings threads, SharedTables shared) {
    boolean gpu = OrtGpuAccelerator.available(OrtGpuAccelerator.availableProviders());
    if (s.accelerator().mode() == RecSettings.AcceleratorMode.REAL && !gpu) {
      throw new IllegalArgumentException("testbed.cloud.rec.accelerator.mode = real, but ONNX Runtime offers no CUDA execution provider here "
          + "(providers " + OrtGpuAccelerator.availableProviders() + "); use auto or modelled");
    }
    if (gpu && s.accelerator().mode() != RecSettings.AcceleratorMode.MODELLED) return new OrtGpuAccelerator(0);
    return modelled(s, s.accelerator().runCpuInference() ? RecRunner.onnxRuntime(threads, shared) : null, ModelledAccelerator.Sleeper.SYSTEM);
  }

  /** The modelled accelerator with the settings' service-time tables. */
  public static ModelledAccelerator modelled(RecSettings s, RecRunner cpu, ModelledAccelerator.Sleeper sleeper) {
    Map<String, ServiceTimeTable> tables = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : s.accelerator().serviceTimeMs().entrySet()) {
      try {
        tables.put(e.getKey(), ServiceTimeTable.parse(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("testbed.cloud.rec.accelerator.service-time-ms." + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
    ServiceTimeTable def = tables.remove("default");
    return new ModelledAccelerator(cpu, tables, def, sleeper);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public RecSettings settings() { return settings; }

  /** Served model names, in order. */
  public List<String> modelNames() { return List.copyOf(models.keySet()); }

  public RecModel model(String name) { return models.get(name); }

  /** ModelInfo of every served model (family {@code recommendation}) for the agent's hello. */
  public List<ModelInfo> modelInfos() { return models.values().stream().map(RecModel::info).toList(); }

  public Accelerator accelerator() { return accelerator; }

  public RecStats stats() { return stats; }

  /** Completes once every worker (and the accelerator) has warmed its sessions (at once when warm-up is off). */
  public CompletionStage<Void> ready() { return ready; }

  /** The (B, T) in force for a model. */
  public BatchPolicy policy(String model) {
    AtomicReference<BatchPolicy> p = policies.get(model);
    if (p == null) throw new IllegalArgumentException("unknown model '" + model + "'");
    return p.get();
  }

  /**
   * Sets B and/or T (null keeps the current value) for one model, or every model when {@code model} is null.
   * IllegalArgumentException naming the field and its range; {@link UnknownModelException} for a model not served.
   */
  public void setPolicy(String model, Integer batchSize, Integer acceleratorThreshold) {
    if (model != null && !policies.containsKey(model)) throw new UnknownModelException(model, modelNames());
    if (batchSize != null && (batchSize < 1 || batchSize > settings.maxItems())) {
      throw new IllegalArgumentException("batchSize: must be in [1, " + settings.maxItems() + "], was " + batchSize);
    }
    int off = settings.maxItems() + 1;
    if (acceleratorThreshold != null && (acceleratorThreshold < 1 || acceleratorThreshold > off)) {
      throw new IllegalArgumentException("acceleratorThreshold: must be in [1, " + off + "] (" + off + " = never), was " + acceleratorThreshold);
    }
    for (Map.Entry<String, AtomicReference<BatchPolicy>> e : policies.entrySet()) {
      if (model != null && !model.equals(e.getKey())) continue;
      e.getValue().updateAndGet(p -> new BatchPolicy(batchSize != null ? batchSize : p.batchSize(),
          acceleratorThreshold != null ? acceleratorThreshold : p.acceleratorThreshold()));
      LOG.info("recommendation policy of {} now {}", e.getKey(), e.getValue().get());
    }
  }

  /** A model this server does not serve. */
  public static final class UnknownModelException extends IllegalArgumentException {
    public UnknownModelException(String model, List<String> served) {
      super("model: unknown model '" + model + "' (served: " + String.join(", ", served) + ")");
    }
  }

  /** Counts a request refused before it reached {@link #submit} (malformed body). */
  public QueryOutcome.Invalid badRequest(int status, String error) {
    stats.badRequest();
    LOG.warn("bad recommendation query: {}", error);
    return new QueryOutcome.Invalid(status, error);
  }

  /** Queries admitted on the CPU path and unfinished. */
  public int cpuAdmitted() { return cpuAdmitted.get(); }

  /** Sub-requests waiting in the FIFO. */
  public int fifoLength() { return fifo.size(); }

  public int acceleratorAdmitted() { return acceleratorAdmitted.get(); }

  public int acceleratorQueueLength() { return acceleratorFifo.size(); }

  public int busyWorkers() { return busyWorkers.get(); }

  /** Serves a query. Never blocks; the stage never fails exceptionally. */
  public CompletionStage<QueryOutcome> submit(RecQuery q) {
    RecModel model = models.get(q.model());
    if (model == null) return CompletableFuture.completedFuture(badRequest(404, new UnknownModelException(q.model(), modelNames()).getMessage()));
    if (q.items() > settings.maxItems()) {
      return CompletableFuture.completedFuture(badRequest(400, "items: must be in [1, " + settings.maxItems() + "], was " + q.items()));
    }
    if (q.batch() != null && (q.batch().tables() != model.tables() || q.batch().lookups() != model.lookups()
        || q.batch().denseFeatures() != model.denseFeatures())) {
      return CompletableFuture.completedFuture(badRequest(400, "body: model '" + model.name() + "' takes " + model.tables() + " tables x "
          + model.lookups() + " lookups and " + model.denseFeatures() + " dense features per item"));
    }
    if (!running) return CompletableFuture.completedFuture(new QueryOutcome.Rejected("server stopping"));
    BatchPolicy policy = policies.get(q.model()).get();
    BatchPolicy.Plan plan = policy.plan(q.items());
    boolean accel = plan.path() == BatchPolicy.Path.ACCELERATOR;
    AtomicInteger admitted = accel ? acceleratorAdmitted : cpuAdmitted;
    int capacity = accel ? settings.accelerator().queueCapacity() : settings.queueCapacity();
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      stats.rejected(q.model());
      String error = (accel ? "accelerator queue full" : "queue full") + " (capacity " + capacity + ")";
      LOG.debug("rejected a query of {} x{}: {}", q.model(), q.items(), error);
      return CompletableFuture.completedFuture(new QueryOutcome.Rejected(error));
    }
    int instance = Math.floorMod(nextInstance.get(q.model()).getAndIncrement(), settings.instances());
    Task task = new Task(ids.incrementAndGet(), q, model, instance, policy, plan, nanoTime.getAsLong());
    inFlight.put(task.id, task);
    task.timeout = timer.schedule(() -> timeOut(task), settings.queryTimeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      inputs.execute(() -> enqueue(task));
    } catch (RejectedExecutionException e) {
      finish(task, new QueryOutcome.Failed(task.id, "server stopping", false));
    }
    return task.done;
  }

  /** Builds the query's inputs and its sub-requests and puts them on their queue (input thread). */
  private void enqueue(Task t) {
    if (t.finished.get()) return;
    try {
      RecBatch batch = t.query.batch() != null ? t.query.batch()
          : RecInputs.of(t.model, t.query.distribution(), RecInputs.Dense.UNIFORM, t.query.seed()).batch(t.query.items(), 0);
      List<int[]> ranges = t.plan.ranges();
      List<Sub> subs = new ArrayList<>(ranges.size());
      for (int i = 0; i < ranges.size(); i++) {
        int[] r = ranges.get(i);
        subs.add(new Sub(t, i, r[0], r[1], ranges.size() == 1 ? batch : batch.slice(r[0], r[1])));
      }
      t.enqueuedNs = nanoTime.getAsLong();
      if (t.plan.path() == BatchPolicy.Path.ACCELERATOR) {
        t.acceleratorBatch = batch;
        acceleratorFifo.add(t);
      } else {
        fifo.addAll(subs);
      }
    } catch (RuntimeException e) {
      fail(t, "query " + t.id + ": cannot build its inputs: " + e.getMessage(), false);
    }
  }

  private void workerLoop(int worker) {
    if (settings.warmUp()) {
      for (RecModel m : models.values()) {
        for (RecRunner r : runners[worker]) {
          try {
            r.warmUp(m);
          } catch (InferenceException | RuntimeException e) {
            LOG.error("worker {} cannot warm up {}: {}", worker + 1, m.name(), e.getMessage());
          }
        }
      }
    }
    warm.countDown();
    while (running) {
      Sub s;
      try {
        s = fifo.take();
      } catch (InterruptedException e) {
        return;
      }
      Task t = s.task;
      if (t.finished.get()) continue; // failed or timed out: skip the rest of its work
      long start = nanoTime.getAsLong();
      t.firstStartNs.accumulateAndGet(start, Math::min);
      busyWorkers.incrementAndGet();
      try {
        RecOutput out = runners[worker][t.instance].run(t.model, s.batch);
        t.parts[s.index] = out;
        t.computeMs.add(out.computeMs());
        if (t.remaining.decrementAndGet() == 0) complete(t, nanoTime.getAsLong());
      } catch (InferenceException | RuntimeException e) {
        fail(t, String.format(Locale.ROOT, "query %d: sub-request %d/%d (items %d-%d) failed on worker %d: %s", t.id, s.index + 1,
            t.parts.length, s.from, s.to - 1, worker + 1, e.getMessage()), false);
      } finally {
        busyWorkers.decrementAndGet();
      }
    }
  }

  private void acceleratorLoop() {
    if (settings.warmUp()) {
      for (RecModel m : models.values()) {
        try {
          accelerator.warmUp(m);
        } catch (InferenceException | RuntimeException e) {
          LOG.error("accelerator cannot warm up {}: {}", m.name(), e.getMessage());
        }
      }
    }
    warm.countDown();
    while (running) {
      Task t;
      try {
        t = acceleratorFifo.take();
      } catch (InterruptedException e) {
        return;
      }
      if (t.finished.get()) continue;
      long start = nanoTime.getAsLong();
      t.firstStartNs.set(start);
      try {
        Accelerator.Result r = accelerator.run(t.model, t.acceleratorBatch);
        long end = nanoTime.getAsLong();
        if (r.output() != null) t.parts[0] = r.output();
        t.computeMs.add(r.measuredMs());
        t.acceleratorResult = r;
        t.remaining.decrementAndGet();
        complete(t, end);
      } catch (InferenceException | RuntimeException e) {
        fail(t, "query " + t.id + ": failed on the accelerator (" + accelerator.source() + "): " + e.getMessage(), false);
      }
    }
  }

  private void complete(Task t, long endNs) {
    boolean accel = t.plan.path() == BatchPolicy.Path.ACCELERATOR;
    RecOutput merged = null;
    if (t.parts[0] != null) merged = t.parts.length == 1 ? t.parts[0] : RecOutput.concat(List.of(t.parts));
    double queueMs = (t.firstStartNs.get() - t.enqueuedNs) / 1e6;
    double latencyMs = (endNs - t.enqueuedNs) / 1e6;
    double serviceMs = (endNs - t.firstStartNs.get()) / 1e6;
    Accelerator.Result ar = t.acceleratorResult;
    if (accel && ar != null && ar.serviceMs() > serviceMs) serviceMs = ar.serviceMs(); // never report less than the device's time
    QueryResult r = new QueryResult(t.id, t.model.name(), t.instance, t.query.items(), latencyMs, queueMs, serviceMs,
        (t.enqueuedNs - t.admittedNs) / 1e6, t.computeMs.sum(), t.parts.length, accel ? t.query.items() : t.policy.batchSize(),
        accel ? "accelerator" : "cpu", accel ? accelerator.source() : null, ar != null ? ar.modelledMs() : null, ar != null ? ar.note() : null,
        merged != null ? merged.digest() : null, t.query.returnOutputs() && merged != null ? merged.values() : null);
    finish(t, new QueryOutcome.Served(r));
  }

  private void fail(Task t, String reason, boolean timeout) {
    if (finish(t, new QueryOutcome.Failed(t.id, reason, timeout))) LOG.warn("{}", reason);
  }

  private void timeOut(Task t) {
    int done = t.parts.length - Math.max(0, t.remaining.get());
    String where = t.plan.path() == BatchPolicy.Path.ACCELERATOR ? " on the accelerator" : "";
    fail(t, String.format(Locale.ROOT, "query %d timed out%s after %d ms: %d of %d sub-requests done", t.id, where,
        settings.queryTimeout().toMillis(), done, t.parts.length), true);
  }

  /** Completes a task once; returns whether this call did. */
  private boolean finish(Task t, QueryOutcome outcome) {
    if (!t.finished.compareAndSet(false, true)) return false;
    if (t.timeout != null) t.timeout.cancel(false);
    inFlight.remove(t.id);
    (t.plan.path() == BatchPolicy.Path.ACCELERATOR ? acceleratorAdmitted : cpuAdmitted).decrementAndGet();
    if (outcome instanceof QueryOutcome.Served s) stats.served(s.result());
    else if (outcome instanceof QueryOutcome.Failed f) stats.failed(t.model.name(), f.timedOut());
    t.done.complete(outcome);
    return true;
  }

  /** The configuration as GET /v1/rec/config shows it. */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    int off = settings.maxItems() + 1;
    c.put("workers", settings.workers());
    c.put("instances", settings.instances());
    c.put("instancesSettable", false);
    c.put("sharedTables", !sharedTables.isEmpty());
    c.put("sharedTableBytes", sharedTables.stream().mapToLong(SharedTables::bytes).sum());
    c.put("intraOpThreads", settings.intraOpThreads());
    c.put("queueCapacity", settings.queueCapacity());
    c.put("maxItems", settings.maxItems());
    c.put("batchSizeRange", List.of(1, settings.maxItems()));
    c.put("acceleratorThresholdRange", List.of(1, off));
    c.put("acceleratorThresholdNever", off);
    c.put("queryTimeoutMs", settings.queryTimeout().toMillis());
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("source", accelerator.source());
    a.put("description", accelerator.description());
    a.put("queueCapacity", settings.accelerator().queueCapacity());
    if (accelerator instanceof ModelledAccelerator m) {
      Map<String, Object> tables = new LinkedHashMap<>();
      for (String name : models.keySet()) tables.put(name, m.table(name).toString());
      a.put("serviceTimeMs", tables);
    }
    c.put("accelerator", a);
    Map<String, Object> per = new LinkedHashMap<>();
    for (Map.Entry<String, AtomicReference<BatchPolicy>> e : policies.entrySet()) {
      BatchPolicy p = e.getValue().get();
      RecModel m = models.get(e.getKey());
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("batchSize", p.batchSize());
      pm.put("acceleratorThreshold", p.acceleratorThreshold());
      pm.put("scale", m.scale());
      pm.put("tables", m.tables());
      pm.put("lookups", m.lookups());
      pm.put("denseFeatures", m.denseFeatures());
      pm.put("outputsPerItem", m.outputsPerItem());
      per.put(e.getKey(), pm);
    }
    c.put("models", per);
    return c;
  }

  /** Counters, per-model percentiles and queue lengths as GET /v1/rec/stats shows them. */
  public Map<String, Object> statsSnapshot() {
    Map<String, Object> s = stats.snapshot();
    s.put("cpuAdmitted", cpuAdmitted.get());
    s.put("fifoLength", fifo.size());
    s.put("busyWorkers", busyWorkers.get());
    s.put("acceleratorAdmitted", acceleratorAdmitted.get());
    s.put("acceleratorQueueLength", acceleratorFifo.size());
    s.put("warm", ready.isDone());
    return s;
  }

  @Override
  public void close() {
    if (!running) return;
    running = false;
    threads.forEach(Thread::interrupt);
    inputs.shutdownNow();
    for (Task t : List.copyOf(inFlight.values())) finish(t, new QueryOutcome.Failed(t.id, "query " + t.id + ": server stopped", false));
    timer.shutdownNow();
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (RecRunner[] w : runners) for (RecRunner r : w) r.close();
    accelerator.close();
    sharedTables.forEach(SharedTables::close);
    LOG.info("recommendation server stopped");
  }

  /** A query in flight. */
  private static final class Task {
    final long id;
    final RecQuery query;
    final RecModel model;
    final int instance;
    final BatchPolicy policy;
    final BatchPolicy.Plan plan;
    final long admittedNs;
    volatile long enqueuedNs;
    final AtomicLong firstStartNs = new AtomicLong(Long.MAX_VALUE);
    final RecOutput[] parts;
    final AtomicInteger remaining;
    final DoubleAdder computeMs = new DoubleAdder();
    final AtomicBoolean finished = new AtomicBoolean();
    final CompletableFuture<QueryOutcome> done = new CompletableFuture<>();
    volatile RecBatch acceleratorBatch;
    volatile Accelerator.Result acceleratorResult;
    volatile ScheduledFuture<?> timeout;

    Task(long id, RecQuery query, RecModel model, int instance, BatchPolicy policy, BatchPolicy.Plan plan, long admittedNs) {
      this.id = id;
      this.query = query;
      this.model = model;
      this.instance = instance;
      this.policy = policy;
      this.plan = plan;
      this.admittedNs = admittedNs;
      this.parts = new RecOutput[plan.subRequests()];
      this.remaining = new AtomicInteger(plan.subRequests());
    }
  }

  /** One sub-request: items [from, to) of a query. */
  private record Sub(Task task, int index, int from, int to, RecBatch batch) {}
}
