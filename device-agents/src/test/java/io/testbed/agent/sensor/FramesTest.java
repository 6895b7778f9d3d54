package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FramesTest {
  @ParameterizedTest(name = "flat {0}, {1} channel(s)")
  @CsvSource({"0, 1", "128, 1", "255, 3", "60, 3"})
  void aFlatFrameBecomesItsNormalisedValueInEveryChannel(int value, int channels) {
    float[] x = Frames.toModelInput(Frame.flat(1280, 720, channels, value));
    assertThat(x).hasSize(3 * 224 * 224);
    for (int c = 0; c < 3; c++) {
      double expected = (value / 255.0 - Frames.MEAN[c]) / Frames.STD[c];
      assertThat((double) x[c * 224 * 224]).isCloseTo(expected, within(1e-5));
      assertThat((double) x[c * 224 * 224 + 224 * 224 - 1]).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void averagesBoxesAndKeepsChwLayout() {
    // 4x2 RGB: left half red 255, right half blue 255 -> 2x1 output: pixel 0 red, pixel 1 blue
    byte[] p = new byte[4 * 2 * 3];
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) p[(y * 4 + x) * 3 + (x < 2 ? 0 : 2)] = (byte) 255;
    }
    float[] out = Frames.downsampleTo(new Frame(4, 2, 3, p), 2, 1);
    assertThat((double) out[0]).isCloseTo((1 - Frames.MEAN[0]) / Frames.STD[0], within(1e-5));   // R of pixel 0
    assertThat((double) out[1]).isCloseTo((0 - Frames.MEAN[0]) / Frames.STD[0], within(1e-5));   // R of pixel 1
    assertThat((double) out[5]).isCloseTo((1 - Frames.MEAN[2]) / Frames.STD[2], within(1e-5));   // B of pixel 1
  }

  @Test
  void sceneInputsStayOnTheZoosScale() {
    float[] x = Frames.toModelInput(new FrameSource(FrameSource.Settings.defaults(2).withChannels(3)).frame(0));
    for (float v : x) assertThat(v).isBetween(-3f, 3f);
  }

  @Test
  void rejectsUpsampling() {
    assertThatThrownBy(() -> Frames.downsampleTo(Frame.flat(100, 100, 1, 0), 224, 224)).hasMessageContaining("no larger");
  }
}
