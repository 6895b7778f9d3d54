package io.testbed.inference.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import io.testbed.inference.ThreadSettings;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Sessions of several engines on one copy of the embedding tables (real ONNX Runtime). */
class SharedTablesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dlrm-rmc1", "dlrm-rmc3", "wnd", "din"})
  void enginesSharingTheTablesGiveTheSameOutputsAsAPrivateCopy(String name) throws Exception {
    RecModel m = RecEngineTest.tiny(name);
    RecBatch batch = RecInputs.uniform(m, 3).batch(24, 0);
    try (SharedTables shared = new SharedTables();
        RecEngine own = new RecEngine(ThreadSettings.single());
        RecEngine a = new RecEngine(ThreadSettings.single(), shared);
        RecEngine b = new RecEngine(ThreadSettings.single(), shared)) {
      RecOutput expected = own.run(m, batch);
      assertThat(a.run(m, batch).values()).containsExactly(expected.values());
      assertThat(b.run(m, batch).values()).containsExactly(expected.values());
      assertThat(shared.models()).isEqualTo(1);
      Map<String, OnnxTensor> t = shared.tensors(m);
      assertThat(t).hasSize(m.tables());
      assertThat(shared.bytes()).isEqualTo(m.rows().stream().mapToLong(r -> r * m.config().dim() * 4L).sum());
    }
  }

  @Test
  void theSessionsReadTheSharedBuffersInPlace() throws Exception {
    RecModel m = RecEngineTest.tiny("dlrm-rmc1");
    RecBatch batch = RecInputs.uniform(m, 5).batch(8, 0);
    try (SharedTables shared = new SharedTables(); RecEngine e = new RecEngine(ThreadSettings.single(), shared)) {
      RecOutput before = e.run(m, batch);
      // The tensors wrap our direct buffers (not a copy): zeroing them changes what the running session computes.
      for (OnnxTensor t : shared.tensors(m).values()) {
        assertThat(t.ownsBuffer()).isFalse();
        FloatBuffer fb = (FloatBuffer) t.getBufferRef().orElseThrow();
        for (int i = 0; i < fb.capacity(); i++) fb.put(i, 0f);
      }
      RecOutput after = e.run(m, batch);
      assertThat(after.values()).isNotEqualTo(before.values());
      assertThat(e.run(m, batch).values()).containsExactly(after.values());
    }
  }

  @Test
  void closedTablesAreRefused() {
    SharedTables shared = new SharedTables();
    shared.close();
    assertThatThrownBy(() -> shared.tensors(RecEngineTest.tiny("ncf"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
