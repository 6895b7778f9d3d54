package io.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireCodecTest {
  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json at all|Unrecognized token",
      "{\"type\":\"nope\",\"schemaVersion\":1}|nope",
      "{\"type\":\"state\",\"schemaVersion\":1,\"deviceId\":\"a/b\",\"timestampNs\":1,\"status\":\"online\"}|not a valid id",
      "{\"type\":\"state\",\"schemaVersion\":9,\"deviceId\":\"a\",\"timestampNs\":1,\"status\":\"online\"}|schemaVersion 9 not supported",
      "{\"type\":\"state\",\"schemaVersion\":1,\"deviceId\":\"a\",\"timestampNs\":1}|status",
      "{\"type\":\"heartbeat\",\"schemaVersion\":1,\"deviceId\":\"a\",\"timestampNs\":1,\"seq\":1,\"cpuUtilisation\":1.5,\"memoryUsedBytes\":0,\"memoryTotalBytes\":0}|cpuUtilisation must be in [0, 1]"
  })
  void rejectsBadPayloadsWithAReason(String payload, String reasonFragment) {
    assertThatThrownBy(() -> WireCodec.decode(b(payload)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(reasonFragment);
  }

  @Test
  void rejectsEmptyPayload() {
    assertThatThrownBy(() -> WireCodec.decode(new byte[0])).hasMessage("empty payload");
  }

  @Test
  void rejectsWrongType() {
    byte[] state = WireCodec.encode(State.online("a", 1));
    assertThatThrownBy(() -> WireCodec.decode(state, Heartbeat.class)).hasMessageContaining("expected Heartbeat but got State");
  }

  @Test
  void ignoresUnknownFieldsFromNewerMinorVersions() throws Exception {
    WireMessage m = WireCodec.decode(b("{\"type\":\"state\",\"schemaVersion\":1,\"deviceId\":\"a\",\"timestampNs\":1,\"status\":\"online\",\"extra\":3}"));
    assertThat(m).isEqualTo(State.online("a", 1));
  }

  @Test
  void failedResultNeedsAnError() {
    assertThatThrownBy(() -> new InferenceResult(1, "a", 1, "c", "m", "cpu", Precision.FP32, "a", 1, Outcome.FAILED, null,
        0, 0, null, 0, 0, null, null, null, null, null)).hasMessageContaining("error is required");
  }

  @Test
  void controlCommandsValidateTheirRanges() {
    assertThatThrownBy(() -> new SetInterference(1, "a", 1, "c", 1.5, 0)).hasMessageContaining("cpuLevel must be in [0, 1]");
    assertThatThrownBy(() -> new SetNetwork(1, "a", 1, "c", "cloud-1", null, -130.0, null, null, null, null))
        .hasMessageContaining("rssiDbm must be in [-120, 0]");
    assertThatThrownBy(() -> new SetNetwork(1, "a", 1, "c", "cloud-1", "5g", -60.0, null, null, null, null))
        .hasMessageContaining("technology must be wifi or lte");
    assertThatThrownBy(() -> new SetNetwork(1, "a", 1, "c", "cloud-1", null, null, null, null, null, null))
        .hasMessageContaining("set at least one");
    assertThatThrownBy(() -> new SetMode(1, "a", 1, "c", "far", null, null)).hasMessageContaining("farDeviceId is required");
    assertThatThrownBy(() -> new ControlAck(1, "a", 1, "c", false, null, null)).hasMessageContaining("error is required");
  }

  @Test
  void withMetricsAddsToExistingMetrics() {
    InferenceResult r = new InferenceResult(1, "a", 1, "c", "m", "cpu", Precision.FP32, "a", 1, Outcome.OK, null,
        1, 1, null, 0, 0, null, null, null, null, null);
    assertThat(r.metrics()).isNull();
    assertThat(r.withMetrics(java.util.Map.of("psnrDb", 30.0)).withMetrics(java.util.Map.of("agreement", 1.0)).metrics())
        .containsEntry("psnrDb", 30.0).containsEntry("agreement", 1.0);
  }
}
