package io.testbed.cloud.rec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The modelled accelerator's service time over query size: a few (items, ms) points, linear in log(items) between
 * points (DeepRecSys modelled its GPU from a few measured query sizes; SYSTEMS.md section 2), the first point's time
 * below it and linear in items above the last point (the device is throughput-bound there). Pure.
 */
public final class ServiceTimeTable {
  /** One point of the table. */
  public record Point(int items, double ms) {}

  private final List<Point> points;

  public ServiceTimeTable(List<Point> points) {
    if (points == null || points.isEmpty()) throw new IllegalArgumentException("a service-time table needs at least one point");
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (p.items() < 1 || !(p.ms() > 0)) throw new IllegalArgumentException("service-time point " + p.items() + ":" + p.ms() + " needs items >= 1 and ms > 0");
      if (i > 0 && p.items() <= points.get(i - 1).items()) throw new IllegalArgumentException("service-time points must have increasing items");
      if (i > 0 && p.ms() < points.get(i - 1).ms()) throw new IllegalArgumentException("service-time points must not get faster with more items");
    }
    this.points = List.copyOf(points);
  }

  /** Parses {@code "1:1.0, 32:1.13, 1024:5.1"}; IllegalArgumentException naming the bad point. */
  public static ServiceTimeTable parse(String text) {
    List<Point> pts = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      String[] kv = p.split(":");
      try {
        if (kv.length != 2) throw new NumberFormatException();
        pts.add(new Point(Integer.parseInt(kv[0].trim()), Double.parseDouble(kv[1].trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("service-time point '" + p + "' is not items:ms");
      }
    }
    return new ServiceTimeTable(pts);
  }

  public List<Point> points() { return points; }

  /** Modelled service time of a query of {@code items} items, in ms. */
  public double ms(int items) {
    if (items < 1) throw new IllegalArgumentException("items must be >= 1, was " + items);
    Point first = points.get(0);
    if (items <= first.items()) return first.ms();
    for (int i = 1; i < points.size(); i++) {
      Point a = points.get(i - 1), b = points.get(i);
      if (items <= b.items()) {
        double f = (Math.log(items) - Math.log(a.items())) / (Math.log(b.items()) - Math.log(a.items()));
        return a.ms() + f * (b.ms() - a.ms());
      }
    }
    Point last = points.get(points.size() - 1);
    return last.ms() * items / last.items();
  }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Point p : points) sb.append(sb.isEmpty() ? "" : ", ").append(p.items()).append(':').append(String.format(Locale.ROOT, "%s", p.ms()));
    return sb.toString();
  }
}
