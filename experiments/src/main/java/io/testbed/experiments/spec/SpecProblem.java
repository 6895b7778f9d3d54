package io.testbed.experiments.spec;

/** One thing wrong with a spec: the field path (e.g. {@code scenario.targetQps}, {@code devices[1].id}) and why. */
public record SpecProblem(String path, String message) {
  @Override
  public String toString() { return path + ": " + message; }
}
