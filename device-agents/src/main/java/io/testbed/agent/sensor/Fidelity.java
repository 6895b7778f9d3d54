package io.testbed.agent.sensor;

/** Frame fidelity measures (SYSTEMS.md section 4): PSNR against the clean frame and top-1 agreement of model outputs. */
public final class Fidelity {
  private Fidelity() {}

  /**
   * Peak signal-to-noise ratio in dB of {@code noisy} against {@code clean}, 8-bit: {@code 10 log10(255^2 / MSE)} over
   * every sample; {@link Double#POSITIVE_INFINITY} for identical frames.
   */
  public static double psnrDb(Frame clean, Frame noisy) {
    if (clean == null || noisy == null) throw new IllegalArgumentException("both frames are required");
    if (!clean.sameShape(noisy)) throw new IllegalArgumentException("frames differ in shape: " + clean + " vs " + noisy);
    double se = 0;
    for (int i = 0; i < clean.sampleCount(); i++) {
      double d = clean.sampleAt(i) - noisy.sampleAt(i);
      se += d * d;
    }
    return psnrFromMse(se / clean.sampleCount());
  }

  /** PSNR in dB for an 8-bit mean squared error. */
  public static double psnrFromMse(double mse) {
    if (!(mse >= 0)) throw new IllegalArgumentException("mse must be >= 0, was " + mse);
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /** Index of the largest of {@code classes} logits of sample {@code sample} in a [batch, classes] output. */
  public static int argmax(float[] logits, int classes, int sample) {
    if (logits == null || classes <= 0 || sample < 0 || (long) (sample + 1) * classes > logits.length) {
      throw new IllegalArgumentException("logits must hold sample " + sample + " of " + classes + " classes");
    }
    int best = 0, from = sample * classes;
    for (int k = 1; k < classes; k++) if (logits[from + k] > logits[from + best]) best = k;
    return best;
  }

  /**
   * Fraction of samples whose top-1 class on the noisy frames equals that on the clean frames: both outputs
   * [batch, classes] float logits from the same model.
   */
  public static double top1Agreement(float[] cleanLogits, float[] noisyLogits, int classes) {
    if (cleanLogits == null || noisyLogits == null || cleanLogits.length != noisyLogits.length) {
      throw new IllegalArgumentException("both outputs are required and must have the same length");
    }
    if (classes <= 0 || cleanLogits.length == 0 || cleanLogits.length % classes != 0) {
      throw new IllegalArgumentException("output length " + cleanLogits.length + " is not a positive multiple of " + classes + " classes");
    }
    int batch = cleanLogits.length / classes, same = 0;
    for (int s = 0; s < batch; s++) if (argmax(cleanLogits, classes, s) == argmax(noisyLogits, classes, s)) same++;
    return (double) same / batch;
  }
}
