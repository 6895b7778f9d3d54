package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SensorNoiseModelTest {
  static final SensorNoiseModel MODEL = SensorNoiseModel.stagioni();

  /** Sample statistics of (noisy - clean) over non-hot pixels, and the hot pixel count. */
  record Measured(double mean, double sigma, int hot) {
    static Measured of(Frame clean, Frame noisy) {
      double sum = 0, sq = 0;
      int n = 0, hot = 0;
      for (int i = 0; i < clean.sampleCount(); i++) {
        if (noisy.sampleAt(i) == SensorNoiseModel.HOT_PIXEL_VALUE) { hot++; continue; }
        double d = noisy.sampleAt(i) - clean.sampleAt(i);
        sum += d;
        sq += d * d;
        n++;
      }
      double mean = sum / n;
      return new Measured(mean, Math.sqrt(sq / n - mean * mean), hot);
    }
  }

  @ParameterizedTest(name = "{0} C: sigma {1}, offset {2}, {3} hot px")
  @CsvSource({   // SYSTEMS.md section 4, typed in here so the test does not read the table under test
      "44, 9.8, 0.8, 110",
      "56, 9.6, 2.1, 439",
      "68, 10.4, 5.9, 689",
      "80, 11.4, 13.8, 1685",
      "92, 15.6, 41.4, 6049"})
  void noiseStatisticsMatchEachCalibrationPointOnAFlat720pFrame(double tempC, double sigma, double offset, int hotPixels) {
    Frame clean = Frame.flat(1280, 720, 1, 100);
    Frame noisy = MODEL.apply(clean, tempC, new SplittableRandom(42));
    Measured m = Measured.of(clean, noisy);
    assertThat(m.mean()).as("offset").isCloseTo(offset, within(0.1));
    // rounding to 8 bits adds 1/12 DN^2 of variance
    assertThat(m.sigma()).as("sigma").isCloseTo(Math.sqrt(sigma * sigma + 1 / 12.0), within(0.02 * sigma));
    assertThat(m.hot()).as("hot pixels").isEqualTo(hotPixels);
  }

  @ParameterizedTest(name = "{0} C -> sigma {1}, offset {2}, hot {3}")
  @CsvSource({
      "44, 9.8, 0.8, 110",
      "50, 9.7, 1.45, 274.5",
      "62, 10.0, 4.0, 564",
      "86, 13.5, 27.6, 3867",
      "20, 9.8, 0.8, 110",       // clamped below
      "120, 15.6, 41.4, 6049"})   // clamped above
  void interpolatesLinearlyAndClampsOutside(double tempC, double sigma, double offset, double hotPer720p) {
    SensorNoiseModel.NoiseStats s = MODEL.statsAt(tempC);
    assertThat(s.sigmaDn()).isCloseTo(sigma, within(1e-9));
    assertThat(s.offsetDn()).isCloseTo(offset, within(1e-9));
    assertThat(s.hotPixelFraction() * 1280 * 720).isCloseTo(hotPer720p, within(1e-6));
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @CsvSource({"640, 360, 1, 1512", "1920, 1080, 1, 13610", "320, 180, 3, 378"})
  void hotPixelsScaleWithResolution(int w, int h, int channels, int expectedAt92C) {
    Frame noisy = MODEL.apply(Frame.flat(w, h, channels, 60), 92, new SplittableRandom(1));
    int hot = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean all = true;
        for (int c = 0; c < channels; c++) all &= noisy.sample(x, y, c) == 255;
        if (all) hot++;
      }
    }
    assertThat(hot).isEqualTo(expectedAt92C);
  }

  @Test
  void sameSeedSameFrameOtherSeedOtherFrame() {
    Frame clean = new FrameSource(FrameSource.Settings.defaults(3).withResolution(320, 180)).frame(5);
    assertThat(MODEL.apply(clean, 70, new SplittableRandom(9))).isEqualTo(MODEL.apply(clean, 70, new SplittableRandom(9)));
    assertThat(MODEL.apply(clean, 70, new SplittableRandom(9))).isNotEqualTo(MODEL.apply(clean, 70, new SplittableRandom(10)));
  }

  @Test
  void gainMultipliesSigmaAndOffset() {
    Frame clean = Frame.flat(640, 360, 1, 80);
    Measured m = Measured.of(clean, MODEL.apply(clean, 68, 2.0, new SplittableRandom(5)));
    assertThat(m.mean()).isCloseTo(11.8, within(0.15));
    assertThat(m.sigma()).isCloseTo(20.8, within(0.4));
  }

  @Test
  void rejectsBadCalibrationAndInputs() {
    assertThatThrownBy(() -> new SensorNoiseModel(List.of(), 100)).hasMessageContaining("calibration point");
    assertThatThrownBy(() -> new SensorNoiseModel(List.of(new SensorNoiseModel.CalibrationPoint(40, 1, 0, 1),
        new SensorNoiseModel.CalibrationPoint(40, 2, 0, 1)), 100)).hasMessageContaining("two calibration points");
    assertThatThrownBy(() -> MODEL.statsAt(Double.NaN)).hasMessageContaining("tempC");
    assertThatThrownBy(() -> MODEL.apply(Frame.flat(8, 8, 1, 0), 50, 0.5, new SplittableRandom(1))).hasMessageContaining("gain");
  }
}
