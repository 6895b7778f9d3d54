package io.testbed.cloud.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the recommendation server (SYSTEMS.md section 2), read once from {@code testbed.cloud.rec} and validated
 * at start.
 *
 * @param models recommendation models served (empty: recommendation serving off)
 * @param scale row scale of every model; 0 = each model's default scale
 * @param workers CPU worker threads, each with its own ONNX Runtime session per model (and instance)
 * @param instances co-located copies of every model (own sessions and tables) sharing the worker pool; fixed at start
 * @param intraOpThreads intra-op threads of each worker's sessions
 * @param queueCapacity queries admitted on the CPU path and not yet finished; beyond it a query is rejected (503)
 * @param maxItems largest query (items); also the top of the batch-size range
 * @param batchSize initial per-core batch size B of every model
 * @param acceleratorThreshold initial threshold T: queries of at least T items go whole to the accelerator;
 *     {@code maxItems + 1} = never
 * @param queryTimeout a query not finished this long after admission fails with a reason
 * @param warmUp whether workers create and warm their sessions before serving (in the background)
 * @param inputThreads threads that generate or decode query inputs before admission to the FIFO
 * @param accelerator the accelerator queue's settings
 * @param shareTables whether the workers' sessions of one model instance share one copy of its embedding tables
 *     ({@code SharedTables}); false: every session deserialises its own copy
 */
public record RecSettings(
    List<String> models,
    double scale,
    int workers,
    int instances,
    int intraOpThreads,
    int queueCapacity,
    int maxItems,
    int batchSize,
    int acceleratorThreshold,
    Duration queryTimeout,
    boolean warmUp,
    int inputThreads,
    AcceleratorSettings accelerator,
    boolean shareTables) {

  /** Which accelerator serves the accelerator queue. */
  public enum AcceleratorMode {
    /** ONNX Runtime's CUDA execution provider when this process has it, else the modelled one. */
    AUTO,
    /** Always the modelled accelerator. */
    MODELLED,
    /** The CUDA execution provider; start fails without it. */
    REAL
  }

  /**
   * The accelerator queue (a single server).
   *
   * @param queueCapacity queries admitted to the accelerator and not yet finished; beyond it 503
   * @param runCpuInference whether the modelled accelerator computes real outputs on the CPU (else it only holds
   *     the modelled time and returns no digest)
   * @param serviceTimeMs per model: points {@code items:ms} of the modelled service time; key {@code default} for the others
   */
  public record AcceleratorSettings(AcceleratorMode mode, int queueCapacity, boolean runCpuInference,
      Map<String, String> serviceTimeMs) {
    public AcceleratorSettings {
      if (mode == null) throw new IllegalArgumentException("testbed.cloud.rec.accelerator.mode is required");
      if (queueCapacity < 1) throw new IllegalArgumentException("testbed.cloud.rec.accelerator.queue-capacity must be >= 1, was " + queueCapacity);
      serviceTimeMs = Map.copyOf(serviceTimeMs == null ? Map.of() : serviceTimeMs);
      if (!serviceTimeMs.containsKey("default")) {
        throw new IllegalArgumentException("testbed.cloud.rec.accelerator.service-time-ms needs a 'default' table");
      }
    }
  }

  public RecSettings {
    models = List.copyOf(models == null ? List.of() : models);
    if (models.stream().distinct().count() != models.size()) throw new IllegalArgumentException("testbed.cloud.rec.models lists a model twice: " + models);
    for (String m : models) {
      try {
        io.testbed.inference.rec.RecModels.config(m);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("testbed.cloud.rec.models: " + e.getMessage(), e);
      }
    }
    if (!(scale >= 0) || scale > 1) throw new IllegalArgumentException("testbed.cloud.rec.scale must be in [0, 1] (0 = default), was " + scale);
    if (workers < 1) throw new IllegalArgumentException("testbed.cloud.rec.workers must be >= 1, was " + workers);
    if (instances < 1) throw new IllegalArgumentException("testbed.cloud.rec.instances must be >= 1, was " + instances);
    if (intraOpThreads < 1) throw new IllegalArgumentException("testbed.cloud.rec.intra-op-threads must be >= 1, was " + intraOpThreads);
    if (queueCapacity < 1) throw new IllegalArgumentException("testbed.cloud.rec.queue-capacity must be >= 1, was " + queueCapacity);
    if (maxItems < 1) throw new IllegalArgumentException("testbed.cloud.rec.max-items must be >= 1, was " + maxItems);
    if (batchSize < 1 || batchSize > maxItems) {
      throw new IllegalArgumentException("testbed.cloud.rec.batch-size must be in [1, " + maxItems + "], was " + batchSize);
    }
    if (acceleratorThreshold < 1 || acceleratorThreshold > maxItems + 1) {
      throw new IllegalArgumentException("testbed.cloud.rec.accelerator-threshold must be in [1, " + (maxItems + 1) + "] ("
          + (maxItems + 1) + " = never), was " + acceleratorThreshold);
    }
    if (queryTimeout == null || queryTimeout.isZero() || queryTimeout.isNegative()) {
      throw new IllegalArgumentException("testbed.cloud.rec.query-timeout must be > 0");
    }
    if (inputThreads < 1) throw new IllegalArgumentException("testbed.cloud.rec.input-threads must be >= 1, was " + inputThreads);
    if (accelerator == null) throw new IllegalArgumentException("testbed.cloud.rec.accelerator is required");
  }

  /** Whether any recommendation model is served. */
  public boolean enabled() { return !models.isEmpty(); }

  public RecSettings withModels(List<String> m) {
    return new RecSettings(m, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, warmUp, inputThreads, accelerator, shareTables);
  }

  public RecSettings withScale(double s) {
    return new RecSettings(models, s, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, warmUp, inputThreads, accelerator, shareTables);
  }

  public RecSettings withPool(int w, int inst, int capacity) {
    return new RecSettings(models, scale, w, inst, intraOpThreads, capacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, warmUp, inputThreads, accelerator, shareTables);
  }

  public RecSettings withBatching(int b, int t) {
    return new RecSettings(models, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, b, t,
        queryTimeout, warmUp, inputThreads, accelerator, shareTables);
  }

  public RecSettings withQueryTimeout(Duration d) {
    return new RecSettings(models, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        d, warmUp, inputThreads, accelerator, shareTables);
  }

  public RecSettings withWarmUp(boolean w) {
    return new RecSettings(models, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, w, inputThreads, accelerator, shareTables);
  }

  public RecSettings withShareTables(boolean share) {
    return new RecSettings(models, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, warmUp, inputThreads, accelerator, share);
  }

  public RecSettings withAccelerator(AcceleratorSettings a) {
    return new RecSettings(models, scale, workers, instances, intraOpThreads, queueCapacity, maxItems, batchSize, acceleratorThreshold,
        queryTimeout, warmUp, inputThreads, a, shareTables);
  }

  /** Parses a comma-separated model list; blank or {@code none} = no models. */
  public static List<String> parseModels(String s) {
    if (s == null || s.isBlank() || s.trim().equalsIgnoreCase("none")) return List.of();
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  public static RecSettings fromConfig(Config root) {
    try {
      Config c = root.getConfig("testbed.cloud.rec");
      Config a = c.getConfig("accelerator");
      Map<String, String> tables = new LinkedHashMap<>();
      Config t = a.getConfig("service-time-ms");
      for (String key : t.root().keySet()) tables.put(key, t.getString("\"" + key + "\""));
      AcceleratorMode mode;
      try {
        mode = AcceleratorMode.valueOf(a.getString("mode").trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("testbed.cloud.rec.accelerator.mode must be auto, modelled or real, was '" + a.getString("mode") + "'");
      }
      return new RecSettings(
          parseModels(c.getString("models")),
          c.getDouble("scale"),
          c.getInt("workers"),
          c.getInt("instances"),
          c.getInt("intra-op-threads"),
          c.getInt("queue-capacity"),
          c.getInt("max-items"),
          c.getInt("batch-size"),
          c.getInt("accelerator-threshold"),
          c.getDuration("query-timeout"),
          c.getBoolean("warm-up"),
          c.getInt("input-threads"),
          new AcceleratorSettings(mode, a.getInt("queue-capacity"), a.getBoolean("run-cpu-inference"), tables),
          c.getBoolean("share-tables"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid recommendation server configuration: " + e.getMessage(), e);
    }
  }
}
