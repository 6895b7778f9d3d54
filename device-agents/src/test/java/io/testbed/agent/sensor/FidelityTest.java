package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FidelityTest {
  @ParameterizedTest(name = "{0} vs {1}: {2} dB")
  @CsvSource({"100, 110, 28.1308", "100, 101, 48.1308", "0, 255, 0.0", "200, 100, 8.1308"})
  void psnrOfAConstantError(int a, int b, double expected) {
    assertThat(Fidelity.psnrDb(Frame.flat(64, 32, 1, a), Frame.flat(64, 32, 1, b))).isCloseTo(expected, within(1e-3));
  }

  @Test
  void identicalFramesHaveInfinitePsnr() {
    Frame f = new FrameSource(FrameSource.Settings.defaults(1).withResolution(64, 36)).frame(1);
    assertThat(Fidelity.psnrDb(f, f)).isInfinite();
  }

  @ParameterizedTest(name = "{0} C")
  @CsvSource({"44", "68", "92"})
  void psnrOfANoisyFrameFollowsTheNoiseStatistics(double tempC) {
    Frame clean = Frame.flat(640, 360, 1, 100);
    SensorNoiseModel m = SensorNoiseModel.stagioni();
    SensorNoiseModel.NoiseStats s = m.statsAt(tempC);
    double mse = (1 - s.hotPixelFraction()) * (s.sigmaDn() * s.sigmaDn() + s.offsetDn() * s.offsetDn() + 1 / 12.0)
        + s.hotPixelFraction() * 155 * 155;
    assertThat(Fidelity.psnrDb(clean, m.apply(clean, tempC, new SplittableRandom(3)))).isCloseTo(Fidelity.psnrFromMse(mse), within(0.1));
  }

  @Test
  void top1AgreementCountsMatchingArgmaxes() {
    float[] clean = {0, 1, 0, /**/ 5, 1, 0, /**/ 0, 0, 9, /**/ 1, 2, 3};
    float[] noisy = {0, 2, 1, /**/ 1, 5, 0, /**/ 0, 0, 9, /**/ 3, 2, 1};
    assertThat(Fidelity.top1Agreement(clean, noisy, 3)).isEqualTo(0.5);
    assertThat(Fidelity.top1Agreement(clean, clean, 3)).isEqualTo(1.0);
    assertThat(Fidelity.argmax(clean, 3, 2)).isEqualTo(2);
  }

  @Test
  void rejectsMismatchedInputs() {
    assertThatThrownBy(() -> Fidelity.psnrDb(Frame.flat(8, 8, 1, 0), Frame.flat(8, 8, 3, 0))).hasMessageContaining("differ in shape");
    assertThatThrownBy(() -> Fidelity.top1Agreement(new float[6], new float[6], 4)).hasMessageContaining("multiple");
    assertThatThrownBy(() -> Fidelity.top1Agreement(new float[6], new float[3], 3)).hasMessageContaining("same length");
  }
}
