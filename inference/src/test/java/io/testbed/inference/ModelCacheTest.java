package io.testbed.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.protocol.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
  @TempDir Path dir;

  @Test
  void secondZooReadsWhatTheFirstBuiltByteForByte() {
    ModelCache first = ModelCache.at(dir);
    ZooModel a = ModelZoo.of(List.of("mlp"), first).model("mlp");
    byte[] fp32 = a.onnx(Precision.FP32);
    byte[] int8 = a.onnx(Precision.INT8);
    assertThat(first.builds()).isEqualTo(2);
    assertThat(first.hits()).isZero();
    assertThat(first.entry("mlp", Precision.INT8)).exists();

    ModelCache second = ModelCache.at(dir);
    ZooModel b = ModelZoo.of(List.of("mlp"), second).model("mlp");
    assertThat(b.onnx(Precision.INT8)).isEqualTo(int8);
    assertThat(b.onnx(Precision.FP32)).isEqualTo(fp32);
    assertThat(second.hits()).isEqualTo(2);
    assertThat(second.builds()).isZero();
    assertThat(b.features(Precision.INT8)).isEqualTo(a.features(Precision.INT8));

    // the cached INT8 graph is the one an uncached build calibrates
    assertThat(ModelZoo.of(List.of("mlp"), ModelCache.none()).model("mlp").onnx(Precision.INT8)).isEqualTo(int8);
  }

  @Test
  void cachedGraphsRunLikeBuiltOnes() throws Exception {
    ModelZoo.of(List.of("textrnn"), ModelCache.at(dir)).prebuild(2);
    ModelCache again = ModelCache.at(dir);
    ModelZoo cached = ModelZoo.of(List.of("textrnn"), again);
    ModelZoo built = ModelZoo.of(List.of("textrnn"), ModelCache.none());
    float[] x = InferenceEngine.syntheticInput(built.model("textrnn"), 2, 7);
    try (InferenceEngine e1 = new InferenceEngine(cached, ThreadSettings.single());
        InferenceEngine e2 = new InferenceEngine(built, ThreadSettings.single())) {
      assertThat(e1.run("textrnn", Precision.INT8, x, 2).digest()).isEqualTo(e2.run("textrnn", Precision.INT8, x, 2).digest());
    }
    assertThat(again.hits()).isEqualTo(1); // INT8 read as stored, FP32 not needed
    assertThat(again.builds()).isZero();
  }

  @Test
  void corruptOrTruncatedEntriesAreRebuiltNotRead() throws Exception {
    ModelZoo.of(List.of("mlp"), ModelCache.at(dir)).model("mlp").onnx(Precision.INT8);
    Path int8 = ModelCache.at(dir).entry("mlp", Precision.INT8);
    byte[] good = Files.readAllBytes(int8);
    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(int8, flipped);
    assertThat(ModelCache.check(flipped)).contains("CRC-32C");

    ModelCache c = ModelCache.at(dir);
    byte[] rebuilt = ModelZoo.of(List.of("mlp"), c).model("mlp").onnx(Precision.INT8);
    assertThat(c.rejected()).isEqualTo(1);
    assertThat(Files.readAllBytes(int8)).isEqualTo(good); // rewritten
    assertThat(rebuilt).hasSize(good.length - 18);

    Files.write(int8, java.util.Arrays.copyOf(good, good.length - 100));
    assertThat(ModelCache.check(Files.readAllBytes(int8))).contains("truncated");
    ModelCache t = ModelCache.at(dir);
    ModelZoo.of(List.of("mlp"), t).model("mlp").onnx(Precision.INT8);
    assertThat(t.rejected()).isEqualTo(1);
    assertThat(ModelCache.check(new byte[] {1, 2, 3})).contains("shorter than its header");
  }

  @Test
  void anUnusableFolderFallsBackToBuildingInMemory() throws Exception {
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    ModelCache c = ModelCache.at(notADir);
    ZooModel m = ModelZoo.of(List.of("mlp"), c).model("mlp");
    assertThat(m.onnx(Precision.INT8)).isNotEmpty();
    assertThat(c.builds()).isEqualTo(2);
  }

  @Test
  void zoosStartingTogetherBuildEachGraphOnce() throws Exception {
    ModelCache a = ModelCache.at(dir);
    ModelCache b = ModelCache.at(dir);
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<byte[]> fa = CompletableFuture.supplyAsync(() -> await(go, () -> ModelZoo.of(List.of("mlp"), a).model("mlp").onnx(Precision.INT8)));
    CompletableFuture<byte[]> fb = CompletableFuture.supplyAsync(() -> await(go, () -> ModelZoo.of(List.of("mlp"), b).model("mlp").onnx(Precision.INT8)));
    go.countDown();
    assertThat(fa.get()).isEqualTo(fb.get());
    assertThat(a.builds() + b.builds()).isEqualTo(2); // FP32 and INT8, once each
    assertThat(a.hits() + b.hits()).isEqualTo(1);
  }

  @Test
  void offAndDigest() {
    System.setProperty(ModelCache.PROPERTY, "off");
    try {
      assertThat(ModelCache.fromEnvironment().enabled()).isFalse();
    } finally {
      System.clearProperty(ModelCache.PROPERTY);
    }
    System.setProperty(ModelCache.PROPERTY, dir.toString());
    try {
      assertThat(ModelCache.fromEnvironment().dir()).isEqualTo(dir.toAbsolutePath().normalize());
    } finally {
      System.clearProperty(ModelCache.PROPERTY);
    }
    assertThat(ModelCache.codeDigest()).matches("[0-9a-f]{16}");
    assertThat(ModelCache.at(dir).entry("mlp", Precision.FP32)).isNotEqualTo(ModelCache.at(dir).entry("mlp", Precision.INT8));
  }

  private static <T> T await(CountDownLatch go, java.util.function.Supplier<T> s) {
    try {
      go.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return s.get();
  }
}
