package io.testbed.orchestrator.port;

import io.testbed.protocol.InferenceResult;
import java.time.Duration;
import java.util.Map;

/**
 * The thermal controller's link to one sensor node (SYSTEMS.md section 4): switch its mode, set its environment,
 * process one frame. Calls block (the thermal runner runs on the experiments dispatcher) and never throw: a missing
 * answer comes back as a refused {@link Ack} or a null result.
 */
public interface SensorNodePort {

  /** A node's answer to a control command: applied or not, the error, the settings it applied. */
  record Ack(boolean applied, String error, Map<String, Object> settings) {}

  /** {@code SetMode} nsp, cap or far (far needs the far device and its offload URL). */
  Ack setMode(String mode, String farDeviceId, String farUrl, Duration timeout);

  /**
   * Ambient temperature and scene lighting. The protocol has no message for this yet: it travels as
   * {@code SetMode(mode = "env", farUrl = "ambientC=..&lighting=..")}, which sensor-node agents understand.
   */
  Ack setEnvironment(double ambientC, double lighting, Duration timeout);

  /** Captures and processes frame {@code index} in the node's current mode; null when no answer came in time. */
  InferenceResult frame(long index, String model, Duration timeout);
}
