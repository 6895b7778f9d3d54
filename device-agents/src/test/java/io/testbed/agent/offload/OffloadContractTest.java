package io.testbed.agent.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.Precision;
import org.junit.jupiter.api.Test;

class OffloadContractTest {
  @Test
  void floatsTravelAsLittleEndianFloat32() {
    byte[] b = OffloadContract.toBytes(new float[] {1.0f, -2.5f});
    // 1.0f = 0x3F800000 little-endian
    assertThat(b).startsWith((byte) 0x00, (byte) 0x00, (byte) 0x80, (byte) 0x3F).hasSize(8);
    assertThat(OffloadContract.toFloats(b)).containsExactly(1.0f, -2.5f);
    assertThatThrownBy(() -> OffloadContract.toFloats(new byte[5])).hasMessageContaining("multiple of 4");
  }

  @Test
  void shapesAndPrecisionsParseStrictly() {
    assertThat(OffloadContract.parseShape("4, 1000")).containsExactly(4, 1000);
    assertThat(OffloadContract.formatShape(new long[] {4, 1000})).isEqualTo("4,1000");
    assertThat(OffloadContract.elements(new long[] {4, 1000})).isEqualTo(4000);
    assertThatThrownBy(() -> OffloadContract.parseShape("4,x")).hasMessageContaining("X-Output-Shape");
    assertThat(OffloadContract.parsePrecision("INT8")).isEqualTo(Precision.INT8);
    assertThatThrownBy(() -> OffloadContract.parsePrecision("fp16")).hasMessageContaining("X-Precision");
    assertThat(OffloadContract.inferUrl("http://h:1/")).isEqualTo("http://h:1/v1/infer");
  }
}
