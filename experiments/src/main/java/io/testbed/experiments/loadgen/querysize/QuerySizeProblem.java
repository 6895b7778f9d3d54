package io.testbed.experiments.loadgen.querysize;

/** One thing wrong with a query-size spec or table: where ({@code querySize.sigma}, {@code sizes.csv:3}) and why. */
public record QuerySizeProblem(String path, String message) {
  @Override
  public String toString() { return path + ": " + message; }
}
