package io.testbed.agent.network;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The current conditions of every offload link of a device (by peer device id) and of the default link that new
 * peers start from. Decides what a {@code SetNetwork} means (pure, thread-safe): an RSSI is mapped through the
 * {@link RssiLinkMap} of the link's technology, explicit values override the mapped ones, a link of {@code *} changes
 * the default and every known link.
 */
public final class NetworkState {
  /** The link id that stands for every link. */
  public static final String ALL = "*";

  private final RssiLinkMap map;
  private final LinkLimits limits;
  private final List<String> cloudLinkPatterns;
  private LinkConditions defaults;
  private final Map<String, LinkConditions> links = new TreeMap<>();

  /** A requested change, as {@code SetNetwork} carries it (null fields: unchanged). */
  public record Change(String link, RadioTechnology technology, Double rssiDbm, Double delayMs, Double jitterMs, Double rateMbps,
      Double lossPct) {}

  /** Outcome of a change: the conditions now applied per link (the default under {@code *}), or why it was refused. */
  public record Applied(boolean applied, String error, Map<String, LinkConditions> links) {
    static Applied refused(String error) { return new Applied(false, error, Map.of()); }
  }

  /**
   * @param defaults conditions of links nobody has set yet
   * @param cloudLinkPatterns peer-id globs ({@code *} wildcard) of cloud links, whose RSSI is the heartbeat's {@code rssiDbm}
   */
  public NetworkState(RssiLinkMap map, LinkLimits limits, LinkConditions defaults, List<String> cloudLinkPatterns) {
    this.map = map;
    this.limits = limits;
    this.defaults = defaults;
    this.cloudLinkPatterns = List.copyOf(cloudLinkPatterns);
  }

  public RssiLinkMap map() { return map; }

  public LinkLimits limits() { return limits; }

  /** Checks and applies {@code c}; a refusal changes nothing. */
  public synchronized Applied apply(Change c) {
    Optional<String> bad = limits.check(c.rssiDbm(), c.delayMs(), c.jitterMs(), c.rateMbps(), c.lossPct());
    if (bad.isPresent()) return Applied.refused(bad.get());
    if (c.rssiDbm() == null && c.delayMs() == null && c.jitterMs() == null && c.rateMbps() == null && c.lossPct() == null
        && c.technology() == null) {
      return Applied.refused("set at least one of technology, rssiDbm, delayMs, jitterMs, rateMbps, lossPct");
    }
    Map<String, LinkConditions> out = new LinkedHashMap<>();
    if (ALL.equals(c.link())) {
      defaults = resolve(defaults, c);
      out.put(ALL, defaults);
      for (Map.Entry<String, LinkConditions> e : links.entrySet()) {
        e.setValue(resolve(e.getValue(), c));
        out.put(e.getKey(), e.getValue());
      }
    } else {
      LinkConditions next = resolve(links.getOrDefault(c.link(), defaults), c);
      links.put(c.link(), next);
      out.put(c.link(), next);
    }
    return new Applied(true, null, out);
  }

  /** The conditions after {@code c} on top of {@code base}. */
  LinkConditions resolve(LinkConditions base, Change c) {
    RadioTechnology tech = c.technology() != null ? c.technology() : base.technology();
    LinkConditions mapped = base;
    if (c.rssiDbm() != null) {
      mapped = map.conditions(tech, c.rssiDbm());
    } else if (tech != base.technology() && base.rssiDbm() != null) {
      mapped = map.conditions(tech, base.rssiDbm());
    }
    return new LinkConditions(
        c.delayMs() != null ? c.delayMs() : mapped.delayMs(),
        c.jitterMs() != null ? c.jitterMs() : mapped.jitterMs(),
        c.rateMbps() != null ? c.rateMbps() : mapped.rateMbps(),
        c.lossPct() != null ? c.lossPct() : mapped.lossPct(),
        mapped.rssiDbm(),
        tech);
  }

  /** Sets a link's conditions directly (a local schedule's step), bypassing the limits. */
  public synchronized void set(String link, LinkConditions conditions) {
    if (ALL.equals(link)) {
      defaults = conditions;
      links.replaceAll((k, v) -> conditions);
    } else {
      links.put(link, conditions);
    }
  }

  /** The conditions of a link, registering it with the default conditions on first use. */
  public synchronized LinkConditions link(String peer) { return links.computeIfAbsent(peer, p -> defaults); }

  public synchronized LinkConditions defaults() { return defaults; }

  /** Every known link's conditions, by peer id. */
  public synchronized Map<String, LinkConditions> links() { return Map.copyOf(links); }

  /** RSSI of every known link that has one, by peer id (the heartbeat's {@code linkRssiDbm}). */
  public synchronized Map<String, Double> linkRssiDbm() {
    Map<String, Double> m = new TreeMap<>();
    links.forEach((k, v) -> {
      if (v.rssiDbm() != null) m.put(k, v.rssiDbm());
    });
    return m;
  }

  /**
   * RSSI of the cloud link (the heartbeat's {@code rssiDbm}): the first known link whose peer id matches a cloud-link
   * pattern, else the default link's.
   */
  public synchronized Double cloudRssiDbm() {
    for (Map.Entry<String, LinkConditions> e : links.entrySet()) {
      if (isCloudLink(e.getKey())) return e.getValue().rssiDbm();
    }
    return defaults.rssiDbm();
  }

  public boolean isCloudLink(String peer) {
    for (String p : cloudLinkPatterns) if (glob(p, peer)) return true;
    return false;
  }

  static boolean glob(String pattern, String s) {
    StringBuilder re = new StringBuilder();
    for (char ch : pattern.toCharArray()) {
      if (ch == '*') re.append(".*");
      else re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
    }
    return s.matches(re.toString());
  }
}
