package io.testbed.experiments.loadgen.querysize;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.PercentilePoint;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmpiricalTableCsvTest {

  @Test
  void parsesHeaderCommentsAndBlankLines() {
    String text = "# production trace, items per query\npercentile,items\n\n0,12\n50, 160\n99.5,700\n100,1024\n";
    EmpiricalTableCsv.Parsed p = EmpiricalTableCsv.parse(text, "sizes.csv");
    assertThat(p.problems()).isEmpty();
    assertThat(p.distribution().table()).containsExactly(new PercentilePoint(0, 12), new PercentilePoint(50, 160),
        new PercentilePoint(99.5, 700), new PercentilePoint(100, 1024));
  }

  @Test
  void headerIsOptional() {
    assertThat(EmpiricalTableCsv.parse("0,1\r\n100,2\r\n", "f").ok()).isTrue();
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("0,1\n50\n100,3\n", "f.csv:2", "expected 2 cells"),
        Arguments.of("0,1\n50,2,3\n100,3\n", "f.csv:2", "expected 2 cells"),
        Arguments.of("0,1\nabc,2\n100,3\n", "f.csv:2", "percentile must be a number in [0, 100]"),
        Arguments.of("0,1\n101,2\n", "f.csv:2", "percentile must be a number in [0, 100]"),
        Arguments.of("0,1\n50,0\n", "f.csv:2", "items must be a number > 0"),
        Arguments.of("0,1\n50,5\n40,6\n", "f.csv:3", "must be greater than the previous row's 50.0"),
        Arguments.of("0,1\n50,5\n60,4\n", "f.csv:3", "must not be less than the previous row's 5.0"),
        Arguments.of("percentile,items\n50,5\n", "f.csv", "needs at least 2 rows"),
        Arguments.of("", "f.csv", "needs at least 2 rows"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("bad")
  void badFilesAreProblemsNamingTheLine(String text, String path, String message) {
    EmpiricalTableCsv.Parsed p = EmpiricalTableCsv.parse(text, "f.csv");
    assertThat(p.ok()).isFalse();
    assertThat(p.distribution()).isNull();
    assertThat(p.problems()).anySatisfy(x -> {
      assertThat(x.path()).isEqualTo(path);
      assertThat(x.message()).contains(message);
    });
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(EmpiricalTableCsv.parse("x,1\n0,1\ny\n100,2\n", "f").problems()).hasSize(2);
  }

  @Test
  void writeThenParseRoundTrips() {
    var table = QuerySizeDistribution.empirical(java.util.List.of(new PercentilePoint(0, 3), new PercentilePoint(37.5, 90),
        new PercentilePoint(100, 512.5)));
    String text = EmpiricalTableCsv.write(table);
    assertThat(text).startsWith("percentile,items\n0,3\n37.5,90\n");
    assertThat(EmpiricalTableCsv.parse(text, "f").distribution()).isEqualTo(table);
  }
}
