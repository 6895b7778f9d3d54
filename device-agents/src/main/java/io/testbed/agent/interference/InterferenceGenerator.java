package io.testbed.agent.interference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Co-running interference inside the agent process (so inside its cgroup CPU cap when emulated), after SYSTEMS.md
 * section 1: CPU stressors (busy loops) and a memory stressor (streams over a large buffer), each at a level in [0, 1].
 * <ul>
 *   <li>CPU at level L: {@code n = ceil(L x cores)} threads ({@code cores} = whole cores of the device: 1 for an
 *       emulated device with a share of one host core), each busy {@code L x cores / n} of every period and asleep for
 *       the rest, so together they ask for L of the device's CPU;</li>
 *   <li>memory at level L: one thread streaming read-modify-write over a buffer of {@code bufferMb} (larger than the
 *       caches, so it runs from DRAM), busy L of every period.</li>
 * </ul>
 * Measured: co-runner CPU utilisation = CPU time of all stressor threads / (wall time x the device's CPU capacity in
 * cores), and memory pressure = bytes streamed per second / the stressor's own peak streaming rate (measured once, at
 * full duty, when the memory stressor first starts), both clipped to [0, 1] and taken since the previous sample.
 */
public final class InterferenceGenerator implements AutoCloseable {
  /** Levels applied and the threads that carry them. */
  public record Applied(double cpuLevel, double memoryLevel, int cpuThreads, double cpuDutyCycle, int memoryBufferMb) {
    public Map<String, Object> settings() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cpuLevel", cpuLevel);
      m.put("memoryLevel", memoryLevel);
      m.put("cpuThreads", cpuThreads);
      m.put("cpuDutyCycle", cpuDutyCycle);
      m.put("memoryBufferMb", memoryBufferMb);
      return m;
    }
  }

  /** What the stressors did since the previous sample. */
  public record Sample(double coRunnerCpuUtilisation, double memoryPressure) {}

  private final double capacityCores;
  private final int wholeCores;
  private final int bufferMb;
  private final long periodNs;
  private final String name;
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong retiredCpuNs = new AtomicLong();
  private final AtomicLong streamedBytes = new AtomicLong();
  private final List<Stressor> running = new ArrayList<>();
  private Applied applied = new Applied(0, 0, 0, 0, 0);
  private volatile double peakBytesPerSec = -1;
  private long lastCpuNs;
  private long lastBytes;
  private long lastMonoNs;

  /**
   * @param capacityCores the device's CPU in host cores (share of one core when emulated, core count when real)
   * @param bufferMb size of the memory stressor's buffer
   * @param periodMs length of one busy/idle cycle
   */
  public InterferenceGenerator(String name, double capacityCores, int bufferMb, long periodMs, long nowMonoNs) {
    if (!(capacityCores > 0)) throw new IllegalArgumentException("capacityCores must be > 0, was " + capacityCores);
    if (bufferMb < 1 || bufferMb > 4096) throw new IllegalArgumentException("interference.memory-buffer-mb must be in [1, 4096], was " + bufferMb);
    if (periodMs < 1 || periodMs > 1000) throw new IllegalArgumentException("interference.period must be in [1, 1000] ms, was " + periodMs);
    this.name = name;
    this.capacityCores = capacityCores;
    this.wholeCores = (int) Math.max(1, Math.ceil(capacityCores - 1e-9));
    this.bufferMb = bufferMb;
    this.periodNs = TimeUnit.MILLISECONDS.toNanos(periodMs);
    this.lastMonoNs = nowMonoNs;
    if (mx.isThreadCpuTimeSupported() && !mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
  }

  /** Switches the stressors to the given levels (0 stops them); returns what now runs. */
  public synchronized Applied set(double cpuLevel, double memoryLevel) {
    if (!(cpuLevel >= 0 && cpuLevel <= 1)) throw new IllegalArgumentException("cpuLevel must be in [0, 1], was " + cpuLevel);
    if (!(memoryLevel >= 0 && memoryLevel <= 1)) throw new IllegalArgumentException("memoryLevel must be in [0, 1], was " + memoryLevel);
    stopAll();
    if (memoryLevel > 0 && peakBytesPerSec < 0) peakBytesPerSec = calibrate();
    int threads = cpuLevel > 0 ? (int) Math.ceil(cpuLevel * wholeCores - 1e-9) : 0;
    double duty = threads > 0 ? Math.min(1.0, cpuLevel * wholeCores / threads) : 0;
    for (int i = 0; i < threads; i++) start(new CpuStressor(duty), "cpu-" + i);
    if (memoryLevel > 0) start(new MemoryStressor(memoryLevel, new long[bufferMb * 131072]), "mem");
    applied = new Applied(cpuLevel, memoryLevel, threads, duty, memoryLevel > 0 ? bufferMb : 0);
    return applied;
  }

  public synchronized Applied applied() { return applied; }

  /** Co-runner CPU utilisation and memory pressure since the previous call. */
  public synchronized Sample sample(long nowMonoNs) {
    long cpu = cpuNs();
    long bytes = streamedBytes.get();
    long wall = nowMonoNs - lastMonoNs;
    double util = wall > 0 ? (cpu - lastCpuNs) / (wall * capacityCores) : 0;
    double pressure = wall > 0 && peakBytesPerSec > 0 ? (bytes - lastBytes) / (wall / 1e9) / peakBytesPerSec : 0;
    lastCpuNs = cpu;
    lastBytes = bytes;
    lastMonoNs = nowMonoNs;
    return new Sample(clip(util), clip(pressure));
  }

  /** CPU time of every stressor thread so far, live and stopped. */
  public long cpuNs() {
    long sum = retiredCpuNs.get();
    for (Thread t : live) {
      long c = mx.getThreadCpuTime(t.getId());
      if (c > 0) sum += c;
    }
    return sum;
  }

  private static double clip(double v) { return Math.max(0, Math.min(1, v)); }

  private void start(Stressor s, String suffix) {
    Thread t = new Thread(() -> {
      try {
        s.run();
      } finally {
        // hand this thread's CPU time over before it leaves the live set, so the sum never drops
        retiredCpuNs.addAndGet(mx.getCurrentThreadCpuTime());
        live.remove(Thread.currentThread());
      }
    }, "interference-" + name + "-" + suffix);
    t.setDaemon(true);
    live.add(t);
    running.add(s);
    s.thread = t;
    t.start();
  }

  private void stopAll() {
    for (Stressor s : running) s.stop = true;
    for (Stressor s : running) {
      try {
        s.thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
  }

  /** Peak streaming rate of one thread over a calibration buffer, bytes/s (about 100 ms). */
  private double calibrate() {
    long[] buf = new long[bufferMb * 131072];
    long t0 = System.nanoTime();
    long bytes = 0;
    int pos = 0;
    while (System.nanoTime() - t0 < 100_000_000L) {
      pos = stream(buf, pos);
      bytes += CHUNK_LONGS * 8L * 2; // read + write
    }
    return bytes / ((System.nanoTime() - t0) / 1e9);
  }

  private static final int CHUNK_LONGS = 32 * 1024; // 256 KB per step

  /** One step of the memory stressor: read-modify-write of one chunk; returns the next position. */
  static int stream(long[] buf, int pos) {
    int end = Math.min(buf.length, pos + CHUNK_LONGS);
    for (int i = pos; i < end; i++) buf[i] += i;
    return end >= buf.length ? 0 : end;
  }

  @Override
  public synchronized void close() {
    stopAll();
    applied = new Applied(0, 0, 0, 0, 0);
  }

  private abstract class Stressor implements Runnable {
    volatile boolean stop;
    Thread thread;
  }

  private final class CpuStressor extends Stressor {
    private final double duty;
    @SuppressWarnings("unused")
    private volatile double sink;

    CpuStressor(double duty) { this.duty = duty; }

    @Override
    public void run() {
      double x = 1.0001;
      long busyNs = Math.round(periodNs * duty);
      while (!stop) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < busyNs) {
          for (int i = 0; i < 1000; i++) x = x * 1.0000001 + 1e-9;
        }
        sink = x;
        long rest = periodNs - (System.nanoTime() - start);
        if (rest > 0 && duty < 1) LockSupport.parkNanos(rest);
      }
    }
  }

  private final class MemoryStressor extends Stressor {
    private final double duty;
    private final long[] buf;

    MemoryStressor(double duty, long[] buf) {
      this.duty = duty;
      this.buf = buf;
    }

    @Override
    public void run() {
      long busyNs = Math.round(periodNs * duty);
      int pos = 0;
      while (!stop) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < busyNs) {
          pos = stream(buf, pos);
          streamedBytes.addAndGet(CHUNK_LONGS * 8L * 2);
        }
        long rest = periodNs - (System.nanoTime() - start);
        if (rest > 0 && duty < 1) LockSupport.parkNanos(rest);
      }
    }
  }
}
