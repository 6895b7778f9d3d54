package io.testbed.cloud.rec;

import io.testbed.inference.InferenceException;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecOutput;
import java.util.Locale;
import java.util.Map;

/**
 * An accelerator modelled from a per-model {@link ServiceTimeTable} (SYSTEMS.md section 2): it runs the real CPU
 * inference for the outputs (unless told not to) and holds the modelled service time, sleeping the remainder when the
 * CPU was faster; when the CPU was slower it reports the measured time and notes it. Every result is labelled
 * {@code modelled}.
 */
public final class ModelledAccelerator implements Accelerator {
  /** Waits a number of nanoseconds (tests record instead of sleeping). */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNs(long ns) throws InterruptedException;

    Sleeper SYSTEM = ns -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(ns);
  }

  private final RecRunner cpu;
  private final Map<String, ServiceTimeTable> tables;
  private final ServiceTimeTable defaultTable;
  private final Sleeper sleeper;

  /**
   * @param cpu runs the real inference for the outputs; null: outputs are not computed (no digest)
   * @param tables per model name; others use {@code defaultTable}
   */
  public ModelledAccelerator(RecRunner cpu, Map<String, ServiceTimeTable> tables, ServiceTimeTable defaultTable, Sleeper sleeper) {
    if (defaultTable == null || sleeper == null) throw new IllegalArgumentException("default table and sleeper are required");
    this.cpu = cpu;
    this.tables = Map.copyOf(tables);
    this.defaultTable = defaultTable;
    this.sleeper = sleeper;
  }

  /** The table used for a model. */
  public ServiceTimeTable table(String model) { return tables.getOrDefault(model, defaultTable); }

  @Override public String source() { return "modelled"; }

  @Override public String description() {
    return "modelled accelerator (service-time tables over query size" + (cpu != null ? "; outputs computed on the CPU" : "; outputs not computed") + ")";
  }

  @Override
  public Result run(RecModel model, RecBatch batch) throws InferenceException {
    double modelled = table(model.name()).ms(batch.items());
    long start = System.nanoTime();
    RecOutput out = cpu == null ? null : cpu.run(model, batch);
    double measured = cpu == null ? 0 : (System.nanoTime() - start) / 1e6;
    if (measured >= modelled) {
      String note = String.format(Locale.ROOT, "cpu stand-in took %.3f ms, longer than the modelled %.3f ms: the measured time is reported",
          measured, modelled);
      return new Result(out, measured, measured, modelled, note);
    }
    try {
      sleeper.sleepNs((long) ((modelled - measured) * 1e6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException("modelled accelerator interrupted");
    }
    return new Result(out, modelled, measured, modelled, null);
  }

  @Override public void warmUp(RecModel model) throws InferenceException {
    if (cpu != null) cpu.warmUp(model);
  }

  @Override public void close() {
    if (cpu != null) cpu.close();
  }
}
