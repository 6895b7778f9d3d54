package io.testbed.experiments.loadgen.querysize;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.PercentilePoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuerySizeSpecTest {
  private static final String P = "scenario.querySize";

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("{\"kind\":\"lognormal\",\"mu\":5.1,\"sigma\":0.2}", QuerySizeDistribution.lognormal(5.1, 0.2)),
        Arguments.of("{\"kind\":\"lognormal\"}", QuerySizeDistribution.defaultDistribution()),
        Arguments.of("{\"kind\":\"lognormal\",\"sigma\":0.5}", QuerySizeDistribution.lognormal(5.1, 0.5)),
        Arguments.of("{\"kind\":\"normal\",\"mean\":164,\"sd\":33}", QuerySizeDistribution.normal(164, 33)),
        Arguments.of("{\"kind\":\"fixed\",\"items\":128}", QuerySizeDistribution.fixed(128)),
        Arguments.of("{\"kind\":\"empirical\",\"table\":[{\"percentile\":0,\"items\":20},{\"percentile\":100,\"items\":400}]}",
            QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 20), new PercentilePoint(100, 400)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validSpecsResolveToTheirDistribution(String json, QuerySizeDistribution expected) {
    QuerySizeSpec.Parsed p = QuerySizeSpec.parse(json, P);
    assertThat(p.problems()).isEmpty();
    QuerySizeSpec.Resolved r = p.spec().resolve(null, P);
    assertThat(r.problems()).isEmpty();
    assertThat(r.distribution()).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("[1]", P, "must be an object"),
        Arguments.of("{}", P + ".kind", "required, one of lognormal|normal|fixed|empirical"),
        Arguments.of("{\"kind\":\"poisson\"}", P + ".kind", "unknown kind 'poisson'"),
        Arguments.of("{\"kind\":\"lognormal\",\"sigma\":-0.1}", P + ".sigma", "must be >= 0"),
        Arguments.of("{\"kind\":\"lognormal\",\"mu\":\"5\"}", P + ".mu", "must be a number"),
        Arguments.of("{\"kind\":\"lognormal\",\"mu\":null}", P + ".mu", "must be a number, not null"),
        Arguments.of("{\"kind\":\"lognormal\",\"mean\":3}", P + ".mean", "not allowed for kind lognormal"),
        Arguments.of("{\"kind\":\"normal\",\"mean\":100}", P + ".sd", "required"),
        Arguments.of("{\"kind\":\"normal\",\"mean\":0,\"sd\":1}", P + ".mean", "must be > 0"),
        Arguments.of("{\"kind\":\"normal\",\"mean\":10,\"sd\":-1}", P + ".sd", "must be >= 0"),
        Arguments.of("{\"kind\":\"fixed\"}", P + ".items", "required for kind fixed"),
        Arguments.of("{\"kind\":\"fixed\",\"items\":2.5}", P + ".items", "must be an integer"),
        Arguments.of("{\"kind\":\"fixed\",\"items\":2000}", P + ".items", "must be in [1, 1024], got 2000"),
        Arguments.of("{\"kind\":\"fixed\",\"items\":5,\"n\":5}", P + ".n", "not allowed for kind fixed"),
        Arguments.of("{\"kind\":\"empirical\"}", P, "exactly one of 'file' or 'table'"),
        Arguments.of("{\"kind\":\"empirical\",\"file\":\"a\",\"table\":[]}", P, "exactly one of 'file' or 'table'"),
        Arguments.of("{\"kind\":\"empirical\",\"file\":\" \"}", P + ".file", "must be a non-blank path"),
        Arguments.of("{\"kind\":\"empirical\",\"table\":{}}", P + ".table", "must be an array"),
        Arguments.of("{\"kind\":\"empirical\",\"table\":[{\"percentile\":0,\"items\":1}]}", P + ".table",
            "needs at least 2 rows"),
        Arguments.of("{\"kind\":\"empirical\",\"table\":[{\"percentile\":0,\"items\":1},{\"percentile\":120,\"items\":2}]}",
            P + ".table[1].percentile", "a number in [0, 100]"),
        Arguments.of("{\"kind\":\"empirical\",\"table\":[{\"percentile\":0,\"items\":5},{\"percentile\":50,\"items\":2}]}",
            P + ".table[1].items", "must not be less than"),
        Arguments.of("{\"kind\":\"empirical\",\"table\":[{\"percentile\":0,\"items\":1,\"x\":1},{\"percentile\":9,\"items\":2}]}",
            P + ".table[0].x", "unknown field"),
        Arguments.of("{\"kind\":", P, "not valid JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidSpecsNameTheField(String json, String path, String message) {
    QuerySizeSpec.Parsed p = QuerySizeSpec.parse(json, P);
    assertThat(p.ok()).isFalse();
    assertThat(p.spec()).isNull();
    assertThat(p.problems()).anySatisfy(x -> {
      assertThat(x.path()).isEqualTo(path);
      assertThat(x.message()).contains(message);
    });
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    var p = QuerySizeSpec.parse("{\"kind\":\"normal\",\"mean\":-1,\"sd\":-1,\"mu\":1}", P);
    assertThat(p.problems()).extracting(QuerySizeProblem::path)
        .containsExactlyInAnyOrder(P + ".mu", P + ".mean", P + ".sd");
  }

  static Stream<QuerySizeDistribution> roundTrip() {
    return Stream.of(QuerySizeDistribution.lognormal(5.1, 0.2), QuerySizeDistribution.normal(200, 20),
        QuerySizeDistribution.fixed(64),
        QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 2), new PercentilePoint(100, 9))));
  }

  @ParameterizedTest
  @MethodSource("roundTrip")
  void jsonRoundTrips(QuerySizeDistribution d) {
    String json = QuerySizeSpec.of(d).toJson();
    assertThat(QuerySizeSpec.parse(json, P).spec().resolve(null, P).distribution()).isEqualTo(d);
  }

  @Test
  void jsonOmitsFieldsOfOtherKinds() {
    assertThat(QuerySizeSpec.lognormal(5.1, 0.2).toJson()).isEqualTo("{\"kind\":\"lognormal\",\"mu\":5.1,\"sigma\":0.2}");
    assertThat(QuerySizeSpec.fixed(8).toJson()).isEqualTo("{\"kind\":\"fixed\",\"items\":8}");
  }

  @Test
  void empiricalFileIsReadRelativeToTheSpecFolder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("sizes.csv"), "percentile,items\n0,10\n50,100\n100,200\n");
    var spec = QuerySizeSpec.parse("{\"kind\":\"empirical\",\"file\":\"sizes.csv\"}", P).spec();
    var r = spec.resolve(dir, P);
    assertThat(r.problems()).isEmpty();
    assertThat(((QuerySizeDistribution.Empirical) r.distribution()).quantile(75)).isEqualTo(150);
  }

  @Test
  void missingOrBadFileIsAProblemNotAnException(@TempDir Path dir) throws Exception {
    var missing = QuerySizeSpec.empiricalFile("nope.csv").resolve(dir, P);
    assertThat(missing.problems()).singleElement().satisfies(x -> {
      assertThat(x.path()).isEqualTo(P + ".file");
      assertThat(x.message()).contains("cannot read");
    });
    Files.writeString(dir.resolve("bad.csv"), "0,10\n50,x\n");
    var bad = QuerySizeSpec.empiricalFile("bad.csv").resolve(dir, P);
    assertThat(bad.problems()).extracting(QuerySizeProblem::path).containsExactly("bad.csv:2");
  }

  @Test
  void specBuiltInCodeWithBadValuesResolvesToAProblem() {
    var r = QuerySizeSpec.fixed(0).resolve(null, P);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems().get(0).message()).contains("items must be in [1, 1024]");
  }
}
