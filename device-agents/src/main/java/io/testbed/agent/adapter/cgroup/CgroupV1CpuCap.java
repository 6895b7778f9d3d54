package io.testbed.agent.adapter.cgroup;

import io.testbed.agent.port.CpuCap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces a CPU share with cgroup v1 CPU bandwidth control: creates {@code <root>/testbed/<deviceId>}, sets
 * {@code cpu.cfs_period_us} and {@code cpu.cfs_quota_us = share x period}, and moves the whole process in by writing
 * its pid to {@code cgroup.procs} (all its threads follow). Closing moves the process back to the root group and
 * removes the group. Works on any directory tree laid out like cgroupfs, so tests can check the files it writes.
 */
public final class CgroupV1CpuCap implements CpuCap {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupV1CpuCap.class);

  private final Path root;
  private final Path group;
  private final long pid;
  private final long periodUs;
  private volatile double share;
  private volatile boolean closed;

  private CgroupV1CpuCap(Path root, Path group, long pid, long periodUs) {
    this.root = root;
    this.group = group;
    this.pid = pid;
    this.periodUs = periodUs;
  }

  /**
   * Caps process {@code pid} at {@code share} of one core under {@code root} (e.g. {@code /sys/fs/cgroup/cpu}); when
   * that is impossible (not root, no cgroup v1 cpu controller, read-only) returns a {@link CpuCap#notEnforced} cap
   * whose reason says why. Never throws for an environment problem.
   */
  public static CpuCap apply(Path root, String deviceId, long pid, long periodUs, double share) {
    if (!Files.isDirectory(root) || !Files.exists(root.resolve("cpu.cfs_quota_us"))) {
      return CpuCap.notEnforced("cpu cap not enforced: no cgroup v1 cpu controller at " + root);
    }
    if (!Files.isWritable(root)) {
      return CpuCap.notEnforced("cpu cap not enforced: " + root + " is not writable (not root?)");
    }
    Path group = root.resolve("testbed").resolve(deviceId);
    try {
      Files.createDirectories(group);
      CgroupV1CpuCap cap = new CgroupV1CpuCap(root, group, pid, periodUs);
      cap.setQuota(share);
      write(group.resolve("cgroup.procs"), Long.toString(pid));
      LOG.info("cpu cap: pid {} in {} at {} of a core (quota {} us per {} us)", pid, group, share, cap.quotaUs(share), cap.periodUs(share));
      return cap;
    } catch (IOException | RuntimeException e) {
      removeQuietly(group);
      return CpuCap.notEnforced("cpu cap not enforced: cannot set up " + group + ": " + e.getMessage());
    }
  }

  @Override
  public boolean enforced() { return !closed; }

  @Override
  public String reason() { return closed ? "cpu cap removed" : ""; }

  @Override
  public double share() { return share; }

  public Path group() { return group; }

  @Override
  public synchronized void setShare(double newShare) {
    if (closed || newShare == share) return;
    try {
      setQuota(newShare);
    } catch (IOException e) {
      LOG.warn("cannot change cpu cap of {} to {}: {}", group, newShare, e.toString());
    }
  }

  /**
   * The period for a share: the configured one, lengthened (up to the kernel's 1 s) when share x period would fall
   * under the kernel's 1 ms minimum quota, so small shares stay exact.
   */
  long periodUs(double s) {
    if (s >= 1.0) return periodUs;
    return Math.min(1_000_000, Math.max(periodUs, (long) Math.ceil(1000 / s)));
  }

  /** The quota for a share: share x period, at least 1 ms; -1 (unlimited) for a whole core or more. */
  long quotaUs(double s) {
    if (!(s > 0)) throw new IllegalArgumentException("cpu share must be > 0, was " + s);
    if (s >= 1.0) return -1;
    return Math.max(1000, Math.round(s * periodUs(s)));
  }

  private long writtenPeriodUs;

  private void setQuota(double s) throws IOException {
    long p = periodUs(s);
    long q = quotaUs(s);
    if (q == -1) {
      write(group.resolve("cpu.cfs_quota_us"), "-1");
    } else if (p != writtenPeriodUs) {
      // the kernel checks quota against the period: lift the quota first, then set period and quota
      write(group.resolve("cpu.cfs_quota_us"), "-1");
      write(group.resolve("cpu.cfs_period_us"), Long.toString(p));
      writtenPeriodUs = p;
      write(group.resolve("cpu.cfs_quota_us"), Long.toString(q));
    } else {
      write(group.resolve("cpu.cfs_quota_us"), Long.toString(q));
    }
    share = s;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      write(root.resolve("cgroup.procs"), Long.toString(pid));
    } catch (IOException e) {
      LOG.warn("cannot move pid {} back to {}: {}", pid, root, e.toString());
    }
    removeQuietly(group);
    LOG.info("cpu cap removed: {}", group);
  }

  private static void write(Path file, String value) throws IOException {
    // cgroupfs files take one write; no truncation or temp files.
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** rmdir on cgroupfs (its control files vanish with the group); a plain fixture directory is emptied first. */
  private static void removeQuietly(Path group) {
    try {
      Files.deleteIfExists(group);
    } catch (DirectoryNotEmptyException e) {
      try {
        if (!"cgroup".equals(Files.getFileStore(group).type())) {
          try (Stream<Path> s = Files.walk(group)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
          }
        } else {
          LOG.warn("cannot remove {}: tasks still inside", group);
        }
      } catch (IOException ex) {
        LOG.warn("cannot remove {}: {}", group, ex.toString());
      }
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", group, e.toString());
    }
  }
}
