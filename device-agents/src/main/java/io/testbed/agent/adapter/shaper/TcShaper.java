package io.testbed.agent.adapter.shaper;

import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.port.NetworkShaper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shapes the egress of one network interface with Linux {@code tc}, for real gateways or devices: {@code netem} (delay,
 * jitter, loss and rate) where the kernel has it, otherwise {@code tbf} (rate only; this host's kernel has no netem,
 * STACK.md gotcha 7, so delay, jitter and loss are then not applied and {@link #lastNote()} says so). One interface for
 * every link (per-peer classes are out of scope); ingress shaping would need an IFB device. The command lines are
 * built by pure functions ({@link #netemCommand}, {@link #tbfCommand}) and run through a {@link Runner}.
 */
public final class TcShaper implements NetworkShaper {
  private static final Logger LOG = LoggerFactory.getLogger(TcShaper.class);

  /** Runs one command line; returns its exit status and output. */
  public interface Runner {
    Result run(List<String> argv);

    record Result(int exitCode, String output) {
      public boolean ok() { return exitCode == 0; }
    }

    /** Runs commands as processes (10 s limit each). */
    Runner PROCESS = argv -> {
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(124, "timed out: " + String.join(" ", argv));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        return new Result(127, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(130, "interrupted");
      }
    };
  }

  private final String device;
  private final List<String> tcPrefix;
  private final Runner runner;
  private volatile Boolean netem; // null until the first attempt
  private volatile String lastNote = "";

  /**
   * @param device the interface to shape, e.g. {@code eth0} or {@code wlan0}
   * @param tcPrefix the command that runs tc, e.g. {@code [tc]} or {@code [ip, netns, exec, lab, tc]}
   */
  public TcShaper(String device, List<String> tcPrefix, Runner runner) {
    if (device == null || !device.matches("[A-Za-z0-9._@-]{1,15}")) throw new IllegalArgumentException("tc device must be an interface name, was " + device);
    if (tcPrefix == null || tcPrefix.isEmpty()) throw new IllegalArgumentException("tc command is required");
    this.device = device;
    this.tcPrefix = List.copyOf(tcPrefix);
    this.runner = runner;
  }

  @Override
  public String kind() { return "tc"; }

  @Override
  public String route(String peer, String baseUrl, LinkConditions conditions) { return baseUrl; }

  /** Applies {@code c} to the interface: netem when available, else tbf. Returns true when the kernel took it. */
  public boolean applyNow(LinkConditions c) {
    if (!Boolean.FALSE.equals(netem)) {
      Runner.Result r = runner.run(netemCommand(tcPrefix, device, c));
      if (r.ok()) {
        netem = true;
        lastNote = "";
        return true;
      }
      if (r.output().contains("qdisc kind is unknown") || r.output().contains("Unknown qdisc")) {
        netem = false;
        LOG.warn("tc on {}: no netem in this kernel; rate only (tbf), delay/jitter/loss not applied", device);
      } else {
        lastNote = "tc netem failed: " + r.output();
        LOG.warn("tc on {}: {}", device, lastNote);
        return false;
      }
    }
    Runner.Result r = runner.run(tbfCommand(tcPrefix, device, c));
    lastNote = r.ok() ? "no netem: rate only (tbf); delay, jitter and loss not applied" : "tc tbf failed: " + r.output();
    if (!r.ok()) LOG.warn("tc on {}: {}", device, lastNote);
    return r.ok();
  }

  @Override
  public void apply(String peer, LinkConditions conditions) { applyNow(conditions); }

  /** What the last application could not do (empty when everything applied). */
  public String lastNote() { return lastNote; }

  /** Removes the root qdisc (best effort). */
  @Override
  public void close() {
    List<String> argv = new ArrayList<>(tcPrefix);
    argv.addAll(List.of("qdisc", "del", "dev", device, "root"));
    runner.run(argv);
  }

  /** {@code tc qdisc replace dev D root netem delay Xms Yms distribution normal loss Z% rate Rkbit}. */
  public static List<String> netemCommand(List<String> tcPrefix, String device, LinkConditions c) {
    List<String> argv = new ArrayList<>(tcPrefix);
    argv.addAll(List.of("qdisc", "replace", "dev", device, "root", "netem", "delay", ms(c.delayMs())));
    if (c.jitterMs() > 0) argv.addAll(List.of(ms(c.jitterMs()), "distribution", "normal"));
    if (c.lossPct() > 0) argv.addAll(List.of("loss", String.format(Locale.ROOT, "%.4f%%", c.lossPct())));
    argv.addAll(List.of("rate", kbit(c.rateMbps())));
    return argv;
  }

  /**
   * {@code tc qdisc replace dev D root tbf rate Rkbit burst B latency Lms}: burst = max(2 MTU, 5 ms at the rate) so
   * the bucket refills faster than the timer tick; latency (queueing allowed before drops) 100 ms.
   */
  public static List<String> tbfCommand(List<String> tcPrefix, String device, LinkConditions c) {
    long burst = Math.max(2 * 1514, Math.round(c.rateMbps() * 1e6 / 8 * 0.005));
    List<String> argv = new ArrayList<>(tcPrefix);
    argv.addAll(List.of("qdisc", "replace", "dev", device, "root", "tbf", "rate", kbit(c.rateMbps()), "burst", Long.toString(burst),
        "latency", "100ms"));
    return argv;
  }

  private static String ms(double v) { return String.format(Locale.ROOT, "%.3fms", v); }

  private static String kbit(double mbps) { return Math.max(1, Math.round(mbps * 1000)) + "kbit"; }
}
