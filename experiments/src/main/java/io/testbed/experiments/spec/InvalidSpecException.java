package io.testbed.experiments.spec;

import java.util.List;

/** Thrown where code needs a valid spec and got one with problems; carries them all. */
public final class InvalidSpecException extends IllegalArgumentException {
  private final transient List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    super("invalid experiment spec: " + problems);
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() { return problems; }
}
