package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameSourceTest {
  @Test
  void defaultsAre720pGrayscaleAtFullLight() {
    FrameSource.Settings s = FrameSource.Settings.defaults(1);
    Frame f = new FrameSource(s).frame(0);
    assertThat(f.width()).isEqualTo(1280);
    assertThat(f.height()).isEqualTo(720);
    assertThat(f.channels()).isEqualTo(1);
    assertThat(s.lighting()).isEqualTo(1.0);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @CsvSource({"64, 48, 1", "320, 180, 3", "96, 96, 3"})
  void framesAreDeterministicPerSeedAndIndexAndMove(int w, int h, int channels) {
    FrameSource.Settings s = new FrameSource.Settings(w, h, channels, 1.0, 11, 6);
    Frame a = new FrameSource(s).frame(7);
    assertThat(a.width()).isEqualTo(w);
    assertThat(a.channels()).isEqualTo(channels);
    assertThat(new FrameSource(s).frame(7)).isEqualTo(a);
    assertThat(new FrameSource(s).frame(40)).as("shapes move").isNotEqualTo(a);
    assertThat(new FrameSource(new FrameSource.Settings(w, h, channels, 1.0, 12, 6)).frame(7)).as("other seed").isNotEqualTo(a);
  }

  @Test
  void lightingScalesTheSignal() {
    FrameSource.Settings s = FrameSource.Settings.defaults(5).withResolution(160, 90);
    double full = new FrameSource(s).frame(3).meanLevel();
    double dim = new FrameSource(s.withLighting(0.5)).frame(3).meanLevel();
    assertThat(full).isGreaterThan(20);
    assertThat(dim).isCloseTo(full / 2, within(1.0));
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new FrameSource.Settings(4, 4, 1, 1, 0, 1)).hasMessageContaining("resolution");
    assertThatThrownBy(() -> new FrameSource.Settings(64, 64, 2, 1, 0, 1)).hasMessageContaining("channels");
    assertThatThrownBy(() -> new FrameSource.Settings(64, 64, 1, 0, 0, 1)).hasMessageContaining("lighting");
    assertThatThrownBy(() -> new FrameSource(FrameSource.Settings.defaults(1)).frame(-1)).hasMessageContaining("index");
  }
}
