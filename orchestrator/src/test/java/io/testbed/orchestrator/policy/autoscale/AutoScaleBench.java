package io.testbed.orchestrator.policy.autoscale;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.CommandLineOptionException;

/**
 * JMH: AutoScale's decision plus Q-learning update per request (SYSTEMS.md section 1: "decision overhead must be
 * microseconds"; goal p99 under 10 us). Average time and the sampled distribution. Run (see HANDOFF.md):
 * {@code java -cp ... AutoScaleBench -f 1 -wi 2 -i 3 -w 1s -r 1s -rff target/jmh.csv}.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AutoScaleBench {
  private BenchFixture fixture;

  @Setup
  public void setUp() {
    fixture = new BenchFixture();
  }

  @Benchmark
  public Decision decideAndUpdate() {
    return fixture.step();
  }

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(args);
    new Runner(new org.openjdk.jmh.runner.options.OptionsBuilder().parent(cli)
        .include(AutoScaleBench.class.getName() + ".*").build()).run();
  }
}
