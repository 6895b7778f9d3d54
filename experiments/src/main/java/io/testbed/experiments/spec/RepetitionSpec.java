package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * N seeded repetitions (SYSTEMS.md section 8): explicit {@code seeds}, or {@code count} seeds derived from
 * {@code baseSeed}. Absent: one repetition with base seed 1.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepetitionSpec(Integer count, List<Long> seeds, Long baseSeed) {
  public RepetitionSpec {
    seeds = seeds == null ? null : List.copyOf(seeds);
  }
}
