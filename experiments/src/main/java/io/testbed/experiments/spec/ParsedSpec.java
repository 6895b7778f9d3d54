package io.testbed.experiments.spec;

import java.util.List;

/**
 * What a spec parser returns: the spec when {@code problems} is empty, else null and every problem found (each naming
 * its field path). One type for every experiment type's parser.
 *
 * @param <T> the spec type
 */
public record ParsedSpec<T>(T spec, List<SpecProblem> problems) {
  public ParsedSpec {
    problems = List.copyOf(problems);
  }

  public boolean ok() { return problems.isEmpty(); }
}
