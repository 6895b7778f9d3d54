package io.testbed.agent.sensor;

import java.util.SplittableRandom;

/**
 * Procedural scenes, the default frame source of an emulated sensor node: a diagonal gradient background with a few
 * shapes (discs and rectangles) moving in straight lines and wrapping at the edges, all scaled by a lighting level.
 * Frame {@code i} depends only on (settings, seed, i), so any frame can be regenerated exactly (for the clean
 * reference of a fidelity measure). 8-bit grayscale (1 channel) or RGB (3 channels, interleaved). Immutable.
 */
public final class FrameSource {
  /** Source settings: resolution, channels (1 or 3), lighting level in (0, 1] (1 = the noise calibration's light), seed. */
  public record Settings(int width, int height, int channels, double lighting, long seed, int shapes) {
    public Settings {
      if (width < 8 || height < 8) throw new IllegalArgumentException("resolution must be at least 8x8, was " + width + "x" + height);
      if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
      if (!(lighting > 0 && lighting <= 1)) throw new IllegalArgumentException("lighting must be in (0, 1], was " + lighting);
      if (shapes < 0 || shapes > 64) throw new IllegalArgumentException("shapes must be in [0, 64], was " + shapes);
    }

    /** 1280x720 grayscale, full light, six shapes. */
    public static Settings defaults(long seed) { return new Settings(1280, 720, 1, 1.0, seed, 6); }

    public Settings withResolution(int w, int h) { return new Settings(w, h, channels, lighting, seed, shapes); }

    public Settings withChannels(int c) { return new Settings(width, height, c, lighting, seed, shapes); }

    public Settings withLighting(double l) { return new Settings(width, height, channels, l, seed, shapes); }
  }

  private record Shape(boolean disc, double x0, double y0, double vx, double vy, double size, int[] color) {}

  private final Settings settings;
  private final Shape[] shapes;
  private final int[] backgroundFrom;
  private final int[] backgroundTo;

  public FrameSource(Settings settings) {
    if (settings == null) throw new IllegalArgumentException("settings are required");
    this.settings = settings;
    SplittableRandom r = new SplittableRandom(settings.seed());
    backgroundFrom = color(r, 30, 110);
    backgroundTo = color(r, 90, 200);
    shapes = new Shape[settings.shapes()];
    int w = settings.width(), h = settings.height();
    for (int i = 0; i < shapes.length; i++) {
      double size = Math.min(w, h) * (0.05 + 0.15 * r.nextDouble());
      shapes[i] = new Shape(r.nextBoolean(), r.nextDouble() * w, r.nextDouble() * h, (r.nextDouble() - 0.5) * w * 0.02,
          (r.nextDouble() - 0.5) * h * 0.02, size, color(r, 0, 255));
    }
  }

  public Settings settings() { return settings; }

  /** Frame {@code index} (>= 0) of the sequence. */
  public Frame frame(long index) {
    if (index < 0) throw new IllegalArgumentException("index must be >= 0, was " + index);
    int w = settings.width(), h = settings.height(), ch = settings.channels();
    double light = settings.lighting();
    byte[] p = new byte[w * h * ch];
    int[] px = new int[3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = (x / (double) (w - 1) + y / (double) (h - 1)) / 2;
        for (int c = 0; c < 3; c++) px[c] = (int) Math.round(backgroundFrom[c] + (backgroundTo[c] - backgroundFrom[c]) * t);
        for (Shape s : shapes) {
          if (inside(s, x, y, index, w, h)) System.arraycopy(s.color(), 0, px, 0, 3);
        }
        int base = (y * w + x) * ch;
        if (ch == 1) {
          p[base] = (byte) Math.round(light * (0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]));
        } else {
          for (int c = 0; c < 3; c++) p[base + c] = (byte) Math.round(light * px[c]);
        }
      }
    }
    return new Frame(w, h, ch, p, true);
  }

  private static boolean inside(Shape s, int x, int y, long index, int w, int h) {
    double cx = Math.floorMod((long) Math.floor(s.x0() + s.vx() * index), (long) w);
    double cy = Math.floorMod((long) Math.floor(s.y0() + s.vy() * index), (long) h);
    double dx = Math.abs(x - cx), dy = Math.abs(y - cy);
    dx = Math.min(dx, w - dx);          // wrap around the edges
    dy = Math.min(dy, h - dy);
    double r = s.size() / 2;
    return s.disc() ? dx * dx + dy * dy <= r * r : dx <= r && dy <= r * 0.6;
  }

  private static int[] color(SplittableRandom r, int lo, int hi) {
    return new int[] {lo + r.nextInt(hi - lo + 1), lo + r.nextInt(hi - lo + 1), lo + r.nextInt(hi - lo + 1)};
  }
}
