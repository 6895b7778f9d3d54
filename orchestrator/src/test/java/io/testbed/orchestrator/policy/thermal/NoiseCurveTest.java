package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoiseCurveTest {
  /** SYSTEMS.md section 4, as the orchestrator would read it from settings. */
  static final NoiseCurve STAGIONI = new NoiseCurve(List.of(
      new NoiseCurve.Point(92, 15.6, 41.4, 6049),   // deliberately unsorted
      new NoiseCurve.Point(44, 9.8, 0.8, 110),
      new NoiseCurve.Point(56, 9.6, 2.1, 439),
      new NoiseCurve.Point(68, 10.4, 5.9, 689),
      new NoiseCurve.Point(80, 11.4, 13.8, 1685)), 1280 * 720);

  @ParameterizedTest(name = "{0} C")
  @CsvSource({"44, 9.8, 0.8, 110", "62, 10.0, 4.0, 564", "74, 10.9, 9.85, 1187", "92, 15.6, 41.4, 6049",
      "0, 9.8, 0.8, 110", "150, 15.6, 41.4, 6049"})
  void interpolatesAndClamps(double t, double sigma, double offset, double hot) {
    NoiseCurve.NoiseAt n = STAGIONI.at(t);
    assertThat(n.sigmaDn()).isCloseTo(sigma, within(1e-9));
    assertThat(n.offsetDn()).isCloseTo(offset, within(1e-9));
    assertThat(n.hotPixelFraction() * 1280 * 720).isCloseTo(hot, within(1e-6));
  }

  @Test
  void rejectsDuplicatesAndEmpty() {
    assertThatThrownBy(() -> new NoiseCurve(List.of(), 1)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new NoiseCurve(List.of(new NoiseCurve.Point(1, 1, 1, 1), new NoiseCurve.Point(1, 2, 1, 1)), 1))
        .hasMessageContaining("two noise points");
  }
}
