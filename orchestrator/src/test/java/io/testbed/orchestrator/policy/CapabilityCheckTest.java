package io.testbed.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.orchestrator.Fixtures;
import io.testbed.protocol.Hello;
import io.testbed.protocol.Precision;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CapabilityCheckTest {
  static final Hello PHONE = Fixtures.phoneHello("phone-1");
  static final CapabilityCheck.Capabilities CAPS = new CapabilityCheck.Capabilities("phone-1", PHONE.targets(), PHONE.models());

  record Case(String model, String target, Precision precision, Integer dvfs, String code, String messagePart) {}

  @Test
  void table() {
    Case[] cases = {
      new Case("mobilenet", "cpu", null, null, null, null),
      new Case("mobilenet", "cpu", Precision.FP32, 2000, null, null),
      new Case("mobilenet", "dsp", null, null, null, null),
      new Case("mobilenet", "offload", null, null, null, null),
      new Case("resnet", "cpu", null, null, "unknown-model", "unknown model 'resnet' on device 'phone-1' (has: mobilenet)"),
      new Case("mobilenet", "npu", null, null, "unknown-target", "unknown target 'npu' on device 'phone-1' (has: cpu, dsp)"),
      new Case("mobilenet", "cpu", Precision.INT8, null, "unknown-precision", "target 'cpu' runs fp32, not int8"),
      new Case("mobilenet", "cpu", null, 1500, "invalid-dvfs-level", "no DVFS level 1500 MHz"),
      new Case("mobilenet", "offload", null, 1000, "invalid-dvfs-level", "does not apply"),
    };
    for (Case c : cases) {
      Optional<CapabilityCheck.Problem> p = CapabilityCheck.check(CAPS, c.model(), c.target(), c.precision(), c.dvfs());
      if (c.code() == null) {
        assertThat(p).as(c.toString()).isEmpty();
      } else {
        assertThat(p).as(c.toString()).isPresent();
        assertThat(p.get().code()).isEqualTo(c.code());
        assertThat(p.get().message()).contains(c.messagePart());
      }
    }
  }

  @Test
  void defaultPrecisionIsTheTargets() {
    assertThat(CapabilityCheck.defaultPrecision(CAPS, "mobilenet", "cpu")).isEqualTo(Precision.FP32);
    assertThat(CapabilityCheck.defaultPrecision(CAPS, "mobilenet", "dsp")).isEqualTo(Precision.INT8);
    assertThat(CapabilityCheck.defaultPrecision(CAPS, "mobilenet", "offload")).isEqualTo(Precision.FP32);
  }

  @Test
  void offloadPeerNeedsAnEndpointAndTheModel() {
    Hello cloud = Fixtures.cloudHello("cloud-1", "http://c:1");
    CapabilityCheck.Capabilities peer = new CapabilityCheck.Capabilities("cloud-1", cloud.targets(), cloud.models());
    assertThat(CapabilityCheck.checkOffloadPeer(peer, "http://c:1", "mobilenet")).isEmpty();
    assertThat(CapabilityCheck.checkOffloadPeer(peer, null, "mobilenet")).get()
        .extracting(CapabilityCheck.Problem::message).asString().contains("no inference endpoint");
    assertThat(CapabilityCheck.checkOffloadPeer(peer, "http://c:1", "resnet")).get()
        .extracting(CapabilityCheck.Problem::message).asString().contains("unknown model 'resnet' on offload peer 'cloud-1'");
  }
}
