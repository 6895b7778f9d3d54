package io.testbed.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FixedTargetPolicyTest {
  static final TargetPolicy POLICY =
      new FixedTargetPolicy(List.of("phone-1", "phone-2"), List.of("mobilenet", "resnet"), "cpu", null);
  static final TargetPolicy.FleetState FLEET = new TargetPolicy.FleetState(List.of("phone-1", "phone-2"), Set.of());

  @ParameterizedTest
  @CsvSource({
      "0, phone-1, mobilenet",
      "1, phone-2, mobilenet",
      "2, phone-1, resnet",
      "3, phone-2, resnet",
      "4, phone-1, mobilenet",
      "1001, phone-2, mobilenet"})
  void roundRobinOverDevicesThenModels(long queryId, String device, String model) {
    TargetPolicy.Decision d = POLICY.choose(new TargetPolicy.QueryContext(queryId, 1, 1), FLEET);
    assertThat(d).isEqualTo(new TargetPolicy.Decision(device, model, "cpu", null));
  }

  @Test
  void aLostDeviceKeepsItsShareSoOnlyItsQueriesFail() {
    TargetPolicy.FleetState lost = new TargetPolicy.FleetState(List.of("phone-1", "phone-2"), Set.of("phone-2"));
    assertThat(POLICY.choose(new TargetPolicy.QueryContext(1, 1, 1), lost).deviceId()).isEqualTo("phone-2");
  }

  @Test
  void offloadCarriesThePeer() {
    TargetPolicy offload = new FixedTargetPolicy(List.of("phone-1"), List.of("mobilenet"), "offload", "cloud-1");
    assertThat(offload.choose(new TargetPolicy.QueryContext(7, 8, 2), FLEET))
        .isEqualTo(new TargetPolicy.Decision("phone-1", "mobilenet", "offload", "cloud-1"));
    assertThat(offload.name()).isEqualTo("fixed");
  }

  @Test
  void needsDevicesModelsAndATarget() {
    assertThatThrownBy(() -> new FixedTargetPolicy(List.of(), List.of("m"), "cpu", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FixedTargetPolicy(List.of("d"), List.of("m"), " ", null)).isInstanceOf(IllegalArgumentException.class);
  }
}
