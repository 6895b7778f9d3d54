package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.model.EnergyView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Writes a run's per-inference metered energies into its result bundle ({@code energy.csv}), after waiting (at most
 * {@code wait}) for inferences whose meter samples have not arrived yet. Blocking: call it from the run's blocking
 * dispatcher. Nothing is written when no meter is bound to the run's devices (or the keeper does not answer: WARN).
 */
public final class RunEnergyExport {
  public static final String FILE = "energy.csv";
  static final String HEADER = "correlationId,deviceId,meterId,model,target,rawStartNs,rawEndNs,startNs,endNs,energyJ,"
      + "energyUncertaintyJ,energyMethod,energySource,samplesInWindow,alignmentUncertaintyNs,idleBaselineW,deviceEnergyJ,note";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunEnergyExport.class);

  private RunEnergyExport() {}

  /** Returns the number of rows written (0: no file). */
  public static int write(ActorRef<DeviceRegistry.Command> registry, Scheduler scheduler, String runId, Path bundleDir,
      Duration wait) throws IOException {
    return fetchAndWrite(registry, scheduler, runId, bundleDir, wait).size();
  }

  /** As {@link #write}, returning the energies written (empty: no file). */
  public static List<EnergyView> fetchAndWrite(ActorRef<DeviceRegistry.Command> registry, Scheduler scheduler, String runId,
      Path bundleDir, Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    PowerKeeper.RunEnergies e;
    try {
      while (true) {
        e = AskPattern.<DeviceRegistry.Command, PowerKeeper.RunEnergies>ask(registry,
            r -> new DeviceRegistry.ToPower(new PowerKeeper.GetRunEnergies(runId, r)), Duration.ofSeconds(5), scheduler)
            .toCompletableFuture().get(6, TimeUnit.SECONDS);
        if (e.pending() == 0 || System.nanoTime() > deadline) break;
        Thread.sleep(100);
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException | TimeoutException ex) {
      LOG.warn("Run {}: no {} in the bundle: the power keeper did not answer ({})", runId, FILE, ex.toString());
      return List.of();
    }
    if (e.energies().isEmpty()) return List.of();
    Files.writeString(bundleDir.resolve(FILE), csv(e.energies()), StandardCharsets.UTF_8);
    return e.energies();
  }

  static String csv(List<EnergyView> rows) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (EnergyView v : rows) {
      b.append(String.join(",", v.correlationId(), v.deviceId(), v.meterId(), v.model(), v.target(),
          Long.toString(v.rawStartNs()), Long.toString(v.rawEndNs()), Long.toString(v.startNs()), Long.toString(v.endNs()),
          num(v.energyJ()), num(v.energyUncertaintyJ()), v.energyMethod(), v.energySource() == null ? "" : v.energySource(),
          Integer.toString(v.samplesInWindow()), num(v.alignmentUncertaintyNs()), num(v.idleBaselineW()), num(v.deviceEnergyJ()),
          quote(v.note()))).append('\n');
    }
    return b.toString();
  }

  private static String num(Double d) {
    return d == null || !Double.isFinite(d) ? "" : String.format(Locale.ROOT, "%.9g", d);
  }

  private static String quote(String s) {
    return s == null || s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
