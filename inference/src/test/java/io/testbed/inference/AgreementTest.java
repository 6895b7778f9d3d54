package io.testbed.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AgreementTest {
  @Test
  void top1CountsSamplesWithTheSameArgmax() {
    float[] a = {0, 1, 0, /**/ 5, 0, 0, /**/ 0, 0, 2, /**/ 1, 2, 3};
    float[] b = {0, 9, 1, /**/ 0, 5, 0, /**/ 1, 0, 3, /**/ 3, 2, 1};
    assertThat(Agreement.top1(a, b, 4)).isEqualTo(0.5);
    assertThat(Agreement.top1(a, a, 4)).isEqualTo(1.0);
    assertThat(Agreement.top1(a, b, 1)).isZero(); // one sample of 12 classes: argmax 3 (the 5) vs 1 (the 9)
  }

  @Test
  void top1RefusesMismatchedOutputs() {
    assertThatThrownBy(() -> Agreement.top1(new float[6], new float[4], 2)).hasMessageContaining("6 vs 4");
    assertThatThrownBy(() -> Agreement.top1(new float[6], new float[6], 4)).hasMessageContaining("do not split into 4 samples");
  }

  @Test
  void maxRelativeErrorIsScaledByTheReference() {
    assertThat(Agreement.maxRelativeError(new float[] {1, 2, -4}, new float[] {1, 2, -4})).isZero();
    assertThat(Agreement.maxRelativeError(new float[] {1.5f, 2, -4}, new float[] {1, 2, -4})).isCloseTo(0.5 / 4, within(1e-9));
    assertThat(Agreement.maxRelativeError(new float[] {0.001f}, new float[] {0})).isInfinite();
    assertThat(Agreement.maxRelativeError(new float[2], new float[2])).isZero();
  }
}
