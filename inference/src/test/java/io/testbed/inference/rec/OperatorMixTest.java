package io.testbed.inference.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ThreadSettings;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator-mix parser on real ONNX Runtime profiles of tiny models. */
class OperatorMixTest {
  @Test
  void parsesARealProfileSkippingTheWarmUpRun(@TempDir Path dir) throws Exception {
    RecModel m = RecEngineTest.tiny("dlrm-rmc1");
    RecBatch b = RecInputs.uniform(m, 1).batch(8, 0);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    String trace;
    try (OrtSession.SessionOptions o = InferenceEngine.sessionOptions(ThreadSettings.single())) {
      o.enableProfiling(dir.resolve("p").toString());
      try (OrtSession s = env.createSession(m.onnx(), o);
          OnnxTensor idx = OnnxTensor.createTensor(env, LongBuffer.wrap(b.indices()), new long[] {8, 8, 80});
          OnnxTensor dense = OnnxTensor.createTensor(env, FloatBuffer.wrap(b.dense()), new long[] {8, 128})) {
        for (int i = 0; i < 3; i++) s.run(Map.of(RecModel.INDICES, idx, RecModel.DENSE, dense)).close();
        trace = s.endProfiling();
      }
    }
    Path profile = Path.of(trace);
    assertThat(Files.readString(profile)).contains("\"model_run\"").contains("_kernel_time");
    OperatorMix all = OperatorMix.parse(profile, m.embeddingNodes(), 0);
    OperatorMix measured = OperatorMix.parse(profile, m.embeddingNodes(), 1);
    assertThat(all.runs()).isEqualTo(3);
    assertThat(measured.runs()).isEqualTo(2);
    assertThat(measured.totalMs()).isLessThan(all.totalMs());
    assertThat(measured.embeddingMs()).isPositive();
    assertThat(measured.fcMs()).isPositive();
    assertThat(measured.embeddingShare() + measured.fcShare() + measured.otherShare()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(measured.msByOp()).containsKeys("embedding:Gather", "embedding:ReduceSum");
    assertThat(measured.msByOp().keySet()).anyMatch(OperatorMix.FC_OPS::contains);
    // with no embedding nodes named, their time counts as "other"
    OperatorMix none = OperatorMix.parse(profile, Set.of(), 1);
    assertThat(none.embeddingMs()).isZero();
    assertThat(none.otherMs()).isCloseTo(measured.otherMs() + measured.embeddingMs(), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void measureProfilesAFreshSession() throws Exception {
    RecModel m = RecEngineTest.tiny("dlrm-rmc3");
    OperatorMix mix = OperatorMix.measure(m, RecInputs.uniform(m, 1).batch(16, 0), 2, ThreadSettings.single());
    assertThat(mix.runs()).isEqualTo(2);
    assertThat(mix.embeddingMs()).isPositive();
    assertThat(mix.fcMs()).isPositive();
    assertThatThrownBy(() -> OperatorMix.measure(m, RecInputs.uniform(m, 1).batch(1, 0), 0, ThreadSettings.single()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAFileThatIsNotAProfile(@TempDir Path dir) throws Exception {
    Path p = Files.writeString(dir.resolve("x.json"), "{\"not\": \"a trace\"}");
    assertThatThrownBy(() -> OperatorMix.parse(p, Set.of(), 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON array");
  }
}
