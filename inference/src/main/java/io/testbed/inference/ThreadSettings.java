package io.testbed.inference;

/**
 * Thread settings of an ONNX Runtime session (SYSTEMS.md section 6): intra-op threads per operator, inter-op threads
 * running independent operators in parallel (used only when {@code parallelExecution}). 0 lets the runtime choose
 * (the "framework default" baseline).
 */
public record ThreadSettings(int intraOpThreads, int interOpThreads, boolean parallelExecution) {
  public ThreadSettings {
    if (intraOpThreads < 0) throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = runtime default), was " + intraOpThreads);
    if (interOpThreads < 0) throw new IllegalArgumentException("interOpThreads must be >= 0 (0 = runtime default), was " + interOpThreads);
  }

  /** One thread, sequential execution: 1, 1, false. */
  public static ThreadSettings single() { return new ThreadSettings(1, 1, false); }

  /** The runtime's own choice (typically all logical cores): the framework-default baseline of SYSTEMS.md section 6. */
  public static ThreadSettings runtimeDefault() { return new ThreadSettings(0, 0, false); }

  /** Vendor-recommended baseline of SYSTEMS.md section 6: inter = sockets, intra = physical cores per socket. */
  public static ThreadSettings vendorRecommended(int sockets, int physicalCoresPerSocket) {
    requirePositive("sockets", sockets);
    requirePositive("physicalCoresPerSocket", physicalCoresPerSocket);
    return new ThreadSettings(physicalCoresPerSocket, sockets, sockets > 1);
  }

  /**
   * The guideline of SYSTEMS.md section 6: pools = round(average graph width), at least 1 and at most the cores;
   * intra = cores / pools, so intra x pools <= physical cores; parallel execution when there is more than one pool.
   */
  public static ThreadSettings guideline(int physicalCores, double averageGraphWidth) {
    requirePositive("physicalCores", physicalCores);
    if (!(averageGraphWidth >= 0) || Double.isInfinite(averageGraphWidth)) {
      throw new IllegalArgumentException("averageGraphWidth must be a finite number >= 0, was " + averageGraphWidth);
    }
    int pools = (int) Math.max(1, Math.min(physicalCores, Math.round(averageGraphWidth)));
    return new ThreadSettings(physicalCores / pools, pools, pools > 1);
  }

  private static void requirePositive(String name, int v) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + v);
  }
}
