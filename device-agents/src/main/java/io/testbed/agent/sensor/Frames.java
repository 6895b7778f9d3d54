package io.testbed.agent.sensor;

/** Conversions from sensor frames to model inputs. */
public final class Frames {
  /** ImageNet channel means and standard deviations (of pixel / 255), the usual CNN input normalisation. */
  static final double[] MEAN = {0.485, 0.456, 0.406};
  static final double[] STD = {0.229, 0.224, 0.225};

  private Frames() {}

  /**
   * The frame as a vision model input: box-filtered (area average) down to {@code width x height}, as float32
   * [3, height, width] (CHW, the zoo's sample shape for images), normalised per channel as {@code (v/255 - mean) / std}
   * with ImageNet statistics: values fall in about [-2.1, 2.6], the scale of the zoo's synthetic images (about +-3,
   * {@code inference/README.md}). A grayscale frame is replicated into the three channels.
   */
  public static float[] downsampleTo(Frame frame, int width, int height) {
    if (frame == null) throw new IllegalArgumentException("frame is required");
    if (width <= 0 || height <= 0 || width > frame.width() || height > frame.height()) {
      throw new IllegalArgumentException("target " + width + "x" + height + " must be positive and no larger than the frame " + frame.width() + "x" + frame.height());
    }
    float[] out = new float[3 * width * height];
    int ch = frame.channels();
    for (int oy = 0; oy < height; oy++) {
      int y0 = (int) ((long) oy * frame.height() / height), y1 = (int) ((long) (oy + 1) * frame.height() / height);
      for (int ox = 0; ox < width; ox++) {
        int x0 = (int) ((long) ox * frame.width() / width), x1 = (int) ((long) (ox + 1) * frame.width() / width);
        double[] sum = new double[3];
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            for (int c = 0; c < 3; c++) sum[c] += frame.sample(x, y, ch == 1 ? 0 : c);
          }
        }
        double n = (double) (y1 - y0) * (x1 - x0);
        for (int c = 0; c < 3; c++) {
          out[(c * height + oy) * width + ox] = (float) ((sum[c] / n / 255.0 - MEAN[c]) / STD[c]);
        }
      }
    }
    return out;
  }

  /** {@link #downsampleTo} at 224x224, the zoo's vision input. */
  public static float[] toModelInput(Frame frame) { return downsampleTo(frame, 224, 224); }
}
