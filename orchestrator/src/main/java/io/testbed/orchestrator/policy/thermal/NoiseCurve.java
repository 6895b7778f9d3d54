package io.testbed.orchestrator.policy.thermal;

import java.util.Comparator;
import java.util.List;

/**
 * A sensor's noise-versus-temperature calibration as the orchestrator plans with it (SYSTEMS.md section 4): sigma,
 * offset and hot pixels at measured temperatures, interpolated linearly and clamped outside the measured range. The
 * agent applies the same table to frames ({@code io.testbed.agent.sensor.SensorNoiseModel}); the orchestrator cannot
 * depend on the agent, so the points reach it as settings (see the module README).
 */
public record NoiseCurve(List<Point> points, int calibrationPixels) {
  /** One calibration point: at {@code tempC}, noise sigma and offset in 8-bit DN, hot pixels per calibration frame. */
  public record Point(double tempC, double sigmaDn, double offsetDn, double hotPixels) {
    public Point {
      if (!Double.isFinite(tempC)) throw new IllegalArgumentException("tempC must be finite, was " + tempC);
      if (!(sigmaDn >= 0) || !Double.isFinite(sigmaDn)) throw new IllegalArgumentException("sigmaDn must be >= 0, was " + sigmaDn);
      if (!Double.isFinite(offsetDn)) throw new IllegalArgumentException("offsetDn must be finite, was " + offsetDn);
      if (!(hotPixels >= 0) || !Double.isFinite(hotPixels)) throw new IllegalArgumentException("hotPixels must be >= 0, was " + hotPixels);
    }
  }

  /** Interpolated noise at one temperature; {@code hotPixelFraction} = hot pixels per pixel. */
  public record NoiseAt(double sigmaDn, double offsetDn, double hotPixelFraction) {}

  public NoiseCurve {
    if (points == null || points.isEmpty()) throw new IllegalArgumentException("noise curve needs at least one point");
    if (calibrationPixels <= 0) throw new IllegalArgumentException("calibrationPixels must be > 0, was " + calibrationPixels);
    points = points.stream().sorted(Comparator.comparingDouble(Point::tempC)).toList();
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).tempC() == points.get(i - 1).tempC()) throw new IllegalArgumentException("two noise points at " + points.get(i).tempC() + " C");
    }
  }

  /** Noise at {@code tempC} (linear between points, end values outside them). */
  public NoiseAt at(double tempC) {
    if (!Double.isFinite(tempC)) throw new IllegalArgumentException("tempC must be finite, was " + tempC);
    Point first = points.get(0), last = points.get(points.size() - 1);
    if (tempC <= first.tempC()) return of(first, first, 0);
    if (tempC >= last.tempC()) return of(last, last, 0);
    int i = 1;
    while (points.get(i).tempC() < tempC) i++;
    Point lo = points.get(i - 1), hi = points.get(i);
    return of(lo, hi, (tempC - lo.tempC()) / (hi.tempC() - lo.tempC()));
  }

  private NoiseAt of(Point lo, Point hi, double w) {
    return new NoiseAt(lo.sigmaDn() + (hi.sigmaDn() - lo.sigmaDn()) * w, lo.offsetDn() + (hi.offsetDn() - lo.offsetDn()) * w,
        (lo.hotPixels() + (hi.hotPixels() - lo.hotPixels()) * w) / calibrationPixels);
  }
}
