package io.testbed.agent.sensor;

/**
 * Modelled power of a sensor node by mode (SYSTEMS.md section 4), immutable; labelled {@code modelled} wherever shown.
 *
 * <ul>
 *   <li>NSP: sensor capturing + vision processor busy ({@code sensorW + vpuBusyW});
 *   <li>CAP: sensor only, the processor power-gated ({@code sensorW + vpuGatedW});
 *   <li>FAR: sensor + processor gated + radio: the radio transmits each frame for
 *       {@code bytesPerFrame x 8 / linkBitsPerS} seconds at {@code radioTxW} and idles at {@code radioIdleW} otherwise.
 * </ul>
 * The far processor's own energy ({@code farJPerFrame}, e.g. an edge box running the same model) is not the node's
 * power; {@link #farProcessingW} reports it so system power can be compared with all-far.
 *
 * <p>Defaults ({@link #stagioni()}), chosen to sit in the range Stagioni and stacked-sensor datasheets describe rather
 * than measured here: 0.3 W for a 720p sensor streaming at 30 fps, 1.7 W for a stacked vision processor running a
 * small CNN (so NSP = 2.0 W), 5 mW leakage when gated; raw 8-bit 1280x720 frames (921,600 B) over a 300 Mbit/s link
 * at 1.2 W transmit and 0.05 W idle (~0.9 W at 30 fps), and 50 mJ per frame on the far processor (1.5 W at 30 fps).
 */
public record SensorPowerModel(double sensorW, double vpuBusyW, double vpuGatedW, double radioTxW, double radioIdleW,
    long bytesPerFrame, double linkBitsPerS, double farJPerFrame) {
  public SensorPowerModel {
    nonNegative("sensorW", sensorW);
    nonNegative("vpuBusyW", vpuBusyW);
    nonNegative("vpuGatedW", vpuGatedW);
    nonNegative("radioTxW", radioTxW);
    nonNegative("radioIdleW", radioIdleW);
    nonNegative("farJPerFrame", farJPerFrame);
    if (bytesPerFrame <= 0) throw new IllegalArgumentException("bytesPerFrame must be > 0, was " + bytesPerFrame);
    if (!(linkBitsPerS > 0) || !Double.isFinite(linkBitsPerS)) throw new IllegalArgumentException("linkBitsPerS must be > 0, was " + linkBitsPerS);
  }

  /** The documented defaults. */
  public static SensorPowerModel stagioni() {
    return new SensorPowerModel(0.3, 1.7, 0.005, 1.2, 0.05, 1280L * 720, 300e6, 0.050);
  }

  /** Seconds the radio needs to transmit one frame. */
  public double transmitSPerFrame() { return bytesPerFrame * 8.0 / linkBitsPerS; }

  /** Radio duty at {@code fps}; {@link IllegalArgumentException} when the link cannot carry that frame rate. */
  public double radioDuty(double fps) {
    positive("fps", fps);
    double duty = transmitSPerFrame() * fps;
    if (duty > 1) throw new IllegalArgumentException("link of " + linkBitsPerS + " bit/s cannot carry " + fps + " fps of " + bytesPerFrame + " B frames");
    return duty;
  }

  /** Average radio power in FAR mode at {@code fps} (transfer power). */
  public double transferW(double fps) { double d = radioDuty(fps); return d * radioTxW + (1 - d) * radioIdleW; }

  /** The node's own power in {@code mode} at {@code fps}, radio excluded (see {@link #transferW}). */
  public double nodeW(SensorMode mode) {
    return switch (mode) {
      case NSP -> sensorW + vpuBusyW;
      case CAP, FAR -> sensorW + vpuGatedW;
    };
  }

  /** Everything the node draws in {@code mode}, radio included: what heats the sensor (the radio sits on the node, modelled). */
  public double heatingW(SensorMode mode, double fps) {
    return nodeW(mode) + (mode == SensorMode.FAR ? transferW(fps) : 0);
  }

  /** The far processor's power while it handles {@code fps} frames per second. */
  public double farProcessingW(double fps) { positive("fps", fps); return farJPerFrame * fps; }

  private static void nonNegative(String name, double v) {
    if (!Double.isFinite(v) || v < 0) throw new IllegalArgumentException(name + " must be finite and >= 0, was " + v);
  }

  private static void positive(String name, double v) {
    if (!Double.isFinite(v) || v <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + v);
  }
}
