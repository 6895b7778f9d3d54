package io.testbed.agent.port;

import io.testbed.agent.network.LinkConditions;

/**
 * Shapes the device's offload links (delay, jitter, rate, loss). The offload client reaches a peer through
 * {@link #route}; {@link #apply} changes a link's conditions at run time. Implementations: the in-process relay (the
 * default), {@code tc} on a real Linux gateway, or none.
 */
public interface NetworkShaper extends AutoCloseable {
  /** {@code relay}, {@code tc} or {@code none}. */
  String kind();

  /**
   * The base URL to use for {@code peer}'s endpoint {@code baseUrl} so that the traffic is shaped with the link's
   * conditions (the relay's local address; unchanged where shaping happens elsewhere).
   */
  String route(String peer, String baseUrl, LinkConditions conditions);

  /** Changes the conditions of {@code peer}'s link from now on. */
  void apply(String peer, LinkConditions conditions);

  /** Why the shaper last failed to reach {@code peer} (e.g. the relay's connection refused), or empty. */
  default String lastError(String peer) { return ""; }

  @Override
  void close();

  /** No shaping: offloads go straight to the peer. */
  static NetworkShaper none() {
    return new NetworkShaper() {
      @Override public String kind() { return "none"; }
      @Override public String route(String peer, String baseUrl, LinkConditions conditions) { return baseUrl; }
      @Override public void apply(String peer, LinkConditions conditions) {}
      @Override public void close() {}
    };
  }
}
