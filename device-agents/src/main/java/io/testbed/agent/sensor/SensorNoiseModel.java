package io.testbed.agent.sensor;

import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Temperature-dependent sensor noise (SYSTEMS.md section 4), immutable: added Gaussian noise (sigma), a mean offset
 * (dark current) and hot pixels, each interpolated linearly in temperature between calibration points and held at the
 * end values outside them (extrapolation clamped). Hot pixel counts are per {@code calibrationPixels} (1280x720) and
 * scaled to the frame's pixel count. Noise is in 8-bit digital numbers (DN).
 */
public final class SensorNoiseModel {
  /** One measured point: at {@code tempC}, noise {@code sigmaDn}, offset {@code offsetDn}, {@code hotPixels} per calibration frame. */
  public record CalibrationPoint(double tempC, double sigmaDn, double offsetDn, double hotPixels) {
    public CalibrationPoint {
      if (!Double.isFinite(tempC)) throw new IllegalArgumentException("tempC must be finite, was " + tempC);
      if (!(sigmaDn >= 0) || !Double.isFinite(sigmaDn)) throw new IllegalArgumentException("sigmaDn must be >= 0, was " + sigmaDn);
      if (!Double.isFinite(offsetDn)) throw new IllegalArgumentException("offsetDn must be finite, was " + offsetDn);
      if (!(hotPixels >= 0) || !Double.isFinite(hotPixels)) throw new IllegalArgumentException("hotPixels must be >= 0, was " + hotPixels);
    }
  }

  /** Noise statistics at one temperature; {@code hotPixelFraction} is hot pixels per pixel. */
  public record NoiseStats(double tempC, double sigmaDn, double offsetDn, double hotPixelFraction) {
    /** Hot pixels expected in a frame of {@code pixels} pixels (rounded). */
    public int hotPixels(int pixels) { return (int) Math.round(hotPixelFraction * pixels); }
  }

  /** SYSTEMS.md section 4, measured at 1280x720. */
  public static final List<CalibrationPoint> STAGIONI_POINTS = List.of(
      new CalibrationPoint(44, 9.8, 0.8, 110),
      new CalibrationPoint(56, 9.6, 2.1, 439),
      new CalibrationPoint(68, 10.4, 5.9, 689),
      new CalibrationPoint(80, 11.4, 13.8, 1685),
      new CalibrationPoint(92, 15.6, 41.4, 6049));

  /** The value a hot pixel reads (saturated). */
  public static final int HOT_PIXEL_VALUE = 255;

  private final List<CalibrationPoint> points;
  private final int calibrationPixels;

  public SensorNoiseModel(List<CalibrationPoint> points, int calibrationPixels) {
    if (points == null || points.isEmpty()) throw new IllegalArgumentException("at least one calibration point is required");
    if (calibrationPixels <= 0) throw new IllegalArgumentException("calibrationPixels must be > 0, was " + calibrationPixels);
    List<CalibrationPoint> sorted = points.stream().sorted(Comparator.comparingDouble(CalibrationPoint::tempC)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).tempC() == sorted.get(i - 1).tempC()) throw new IllegalArgumentException("two calibration points at " + sorted.get(i).tempC() + " C");
    }
    this.points = sorted;
    this.calibrationPixels = calibrationPixels;
  }

  /** The SYSTEMS.md section 4 calibration (1280x720). */
  public static SensorNoiseModel stagioni() { return new SensorNoiseModel(STAGIONI_POINTS, 1280 * 720); }

  public List<CalibrationPoint> points() { return points; }

  /** Interpolated statistics at {@code tempC} (SYSTEMS.md section 4; clamped outside the calibrated range). */
  public NoiseStats statsAt(double tempC) {
    if (!Double.isFinite(tempC)) throw new IllegalArgumentException("tempC must be finite, was " + tempC);
    CalibrationPoint first = points.get(0), last = points.get(points.size() - 1);
    if (tempC <= first.tempC()) return stats(tempC, first, first, 0);
    if (tempC >= last.tempC()) return stats(tempC, last, last, 0);
    int i = 1;
    while (points.get(i).tempC() < tempC) i++;
    CalibrationPoint lo = points.get(i - 1), hi = points.get(i);
    return stats(tempC, lo, hi, (tempC - lo.tempC()) / (hi.tempC() - lo.tempC()));
  }

  private NoiseStats stats(double tempC, CalibrationPoint lo, CalibrationPoint hi, double w) {
    return new NoiseStats(tempC, lerp(lo.sigmaDn(), hi.sigmaDn(), w), lerp(lo.offsetDn(), hi.offsetDn(), w),
        lerp(lo.hotPixels(), hi.hotPixels(), w) / calibrationPixels);
  }

  /**
   * The frame as the sensor reads it at {@code tempC}: each sample gets {@code offset + N(0, sigma^2)}, rounded and
   * clipped to [0, 255]; then {@code hotPixels} distinct pixels (uniform positions) read {@link #HOT_PIXEL_VALUE} in
   * every channel. Deterministic for a given generator state.
   */
  public Frame apply(Frame clean, double tempC, RandomGenerator rng) { return apply(clean, tempC, 1.0, rng); }

  /**
   * As {@link #apply(Frame, double, RandomGenerator)} with an analog gain: a dim scene read with auto-exposure gain
   * {@code g} (e.g. 1 / lighting) has its sigma and offset multiplied by {@code g}; hot pixels saturate either way.
   */
  public Frame apply(Frame clean, double tempC, double gain, RandomGenerator rng) {
    if (clean == null) throw new IllegalArgumentException("clean frame is required");
    if (rng == null) throw new IllegalArgumentException("rng is required");
    if (!(gain >= 1) || !Double.isFinite(gain)) throw new IllegalArgumentException("gain must be >= 1, was " + gain);
    NoiseStats base = statsAt(tempC);
    NoiseStats s = new NoiseStats(tempC, base.sigmaDn() * gain, base.offsetDn() * gain, base.hotPixelFraction());
    int n = clean.sampleCount();
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      long v = Math.round(clean.sampleAt(i) + s.offsetDn() + s.sigmaDn() * rng.nextGaussian());
      out[i] = (byte) Math.max(0, Math.min(255, v));
    }
    int pixels = clean.pixelCount(), hot = Math.min(pixels, s.hotPixels(pixels)), ch = clean.channels();
    BitSet taken = new BitSet(pixels);
    for (int k = 0; k < hot; ) {
      int p = rng.nextInt(pixels);
      if (taken.get(p)) continue;
      taken.set(p);
      for (int c = 0; c < ch; c++) out[p * ch + c] = (byte) HOT_PIXEL_VALUE;
      k++;
    }
    return new Frame(clean.width(), clean.height(), ch, out, true);
  }

  private static double lerp(double a, double b, double w) { return a + (b - a) * w; }
}
