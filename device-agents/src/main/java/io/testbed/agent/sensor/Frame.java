package io.testbed.agent.sensor;

import java.util.Arrays;

/**
 * An 8-bit frame, row-major, channels interleaved: 1 channel (grayscale, what a raw sensor plane carries) or 3 (RGB).
 * Holds a copy of the pixels; {@link #pixels()} returns a copy too.
 */
public final class Frame {
  private final int width;
  private final int height;
  private final int channels;
  private final byte[] pixels;

  public Frame(int width, int height, int channels, byte[] pixels) {
    check(width, height, channels);
    if (pixels == null || pixels.length != width * height * channels) {
      throw new IllegalArgumentException("pixels must hold width x height x channels = " + width * height * channels + " bytes, was "
          + (pixels == null ? "null" : pixels.length));
    }
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.pixels = pixels.clone();
  }

  /** A frame with every sample set to {@code value} (0..255). */
  public static Frame flat(int width, int height, int channels, int value) {
    check(width, height, channels);
    if (value < 0 || value > 255) throw new IllegalArgumentException("value must be in [0, 255], was " + value);
    byte[] p = new byte[width * height * channels];
    Arrays.fill(p, (byte) value);
    return new Frame(width, height, channels, p, true);
  }

  /** Takes ownership of {@code pixels} without a copy (package use only). */
  Frame(int width, int height, int channels, byte[] pixels, boolean owned) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.pixels = pixels;
  }

  public int width() { return width; }

  public int height() { return height; }

  public int channels() { return channels; }

  /** Number of pixels (not samples). */
  public int pixelCount() { return width * height; }

  /** Sample {@code c} of pixel (x, y), 0..255. */
  public int sample(int x, int y, int c) { return pixels[(y * width + x) * channels + c] & 0xFF; }

  /** Sample at flat index i (0..255). */
  public int sampleAt(int i) { return pixels[i] & 0xFF; }

  public int sampleCount() { return pixels.length; }

  public byte[] pixels() { return pixels.clone(); }

  /** Mean of all samples, 0..255. */
  public double meanLevel() {
    long sum = 0;
    for (byte b : pixels) sum += b & 0xFF;
    return (double) sum / pixels.length;
  }

  /** Same size and channel count as {@code other}. */
  public boolean sameShape(Frame other) {
    return other != null && width == other.width && height == other.height && channels == other.channels;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && sameShape(f) && Arrays.equals(pixels, f.pixels);
  }

  @Override
  public int hashCode() { return 31 * (31 * width + height) + channels + Arrays.hashCode(pixels); }

  @Override
  public String toString() { return "Frame[" + width + "x" + height + "x" + channels + "]"; }

  private static void check(int width, int height, int channels) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("width and height must be > 0, were " + width + "x" + height);
    if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 (grayscale) or 3 (RGB), was " + channels);
    if ((long) width * height * channels > Integer.MAX_VALUE) throw new IllegalArgumentException("frame too large: " + width + "x" + height + "x" + channels);
  }
}
