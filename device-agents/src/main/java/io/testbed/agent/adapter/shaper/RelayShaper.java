package io.testbed.agent.adapter.shaper;

import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.port.NetworkShaper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default network shaper: one in-process TCP relay on loopback per offload link (this kernel has no netem,
 * STACK.md gotcha 7). The offload client connects to the relay's port, which forwards to the real peer. Each direction
 * cuts the byte stream into segments of {@code segmentBytes} and delivers each one at
 * {@code serialisation end (link rate, a queue per direction) + one-way delay + N(0, jitter)}, never before the segment
 * ahead of it (TCP delivers in order). A segment "lost" (probability {@code lossPct}, seeded) is delivered one
 * retransmission timeout later, {@code max(rto-min, RTT + 4 x jitter)} (RFC 6298 shape with Linux's 200 ms floor),
 * and holds up those behind it. Conditions change at run time ({@link #apply}); segments already queued keep their
 * times. The Host header the peer sees is the relay's address (valid HTTP/1.1; the peer ignores it).
 */
public final class RelayShaper implements NetworkShaper {
  private static final Logger LOG = LoggerFactory.getLogger(RelayShaper.class);

  /** Relay tuning: segment size, the retransmission floor, the seed of loss and jitter, bytes buffered per direction. */
  public record Settings(int segmentBytes, double rtoMinMs, long seed, int queueBytes) {
    public Settings {
      if (segmentBytes < 64 || segmentBytes > 65536) throw new IllegalArgumentException("relay segment-bytes must be in [64, 65536], was " + segmentBytes);
      if (!(rtoMinMs >= 0)) throw new IllegalArgumentException("relay rto-min must be >= 0, was " + rtoMinMs);
      if (queueBytes < segmentBytes) throw new IllegalArgumentException("relay queue-bytes must be >= segment-bytes");
    }

    public static final Settings DEFAULT = new Settings(1460, 200, 1, 4 << 20);
  }

  private final Settings settings;
  private final Map<String, Relay> relays = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private volatile boolean closed;

  public RelayShaper(Settings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "shaper-relay-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String kind() { return "relay"; }

  @Override
  public String route(String peer, String baseUrl, LinkConditions conditions) {
    URI u = URI.create(baseUrl);
    if (!"http".equals(u.getScheme()) || u.getHost() == null) return baseUrl; // TLS would fail host verification through the relay
    int port = u.getPort() > 0 ? u.getPort() : 80;
    InetSocketAddress target = new InetSocketAddress(u.getHost(), port);
    Relay r = relays.compute(peer, (k, old) -> {
      if (old != null && old.target.equals(target) && !old.closed) return old;
      if (old != null) old.close();
      return new Relay(peer, target, conditions);
    });
    return "http://127.0.0.1:" + r.port() + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  @Override
  public void apply(String peer, LinkConditions conditions) {
    Relay r = relays.get(peer);
    if (r != null) r.conditions.set(conditions);
  }

  /** Starts (or reuses) the relay for {@code peer} towards {@code target}; returns its local port. For tests and tools. */
  public int relay(String peer, InetSocketAddress target, LinkConditions conditions) {
    Relay r = relays.compute(peer, (k, old) -> {
      if (old != null && old.target.equals(target) && !old.closed) {
        old.conditions.set(conditions);
        return old;
      }
      if (old != null) old.close();
      return new Relay(peer, target, conditions);
    });
    return r.port();
  }

  /** The conditions a peer's relay applies now, or null when it has none. */
  public LinkConditions conditions(String peer) {
    Relay r = relays.get(peer);
    return r == null ? null : r.conditions.get();
  }

  @Override
  public String lastError(String peer) {
    Relay r = relays.get(peer);
    return r == null ? "" : r.lastError;
  }

  /** Segments delivered late as retransmissions, over all relays. */
  public long retransmittedSegments() { return relays.values().stream().mapToLong(r -> r.retransmitted.get()).sum(); }

  /** Bytes relayed towards the peers (upload) and back (download), over all relays. */
  public long bytesUp() { return relays.values().stream().mapToLong(r -> r.bytesUp.get()).sum(); }

  public long bytesDown() { return relays.values().stream().mapToLong(r -> r.bytesDown.get()).sum(); }

  @Override
  public void close() {
    closed = true;
    relays.values().forEach(Relay::close);
    relays.clear();
    threads.shutdownNow();
  }

  /** One link: a listening socket on loopback and the connections accepted on it. */
  private final class Relay {
    final String peer;
    final InetSocketAddress target;
    final AtomicReference<LinkConditions> conditions;
    final ServerSocket server;
    final SplittableRandom random;
    final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final AtomicLong retransmitted = new AtomicLong();
    final AtomicLong bytesUp = new AtomicLong();
    final AtomicLong bytesDown = new AtomicLong();
    volatile boolean closed;
    volatile String lastError = "";

    Relay(String peer, InetSocketAddress target, LinkConditions initial) {
      if (RelayShaper.this.closed) throw new IllegalStateException("shaper is closed");
      this.peer = peer;
      this.target = target;
      this.conditions = new AtomicReference<>(initial);
      this.random = new SplittableRandom(settings.seed() ^ peer.hashCode());
      try {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open a relay socket for link " + peer, e);
      }
      threads.execute(this::acceptLoop);
      LOG.info("relay for link {}: 127.0.0.1:{} -> {}", peer, server.getLocalPort(), target);
    }

    int port() { return server.getLocalPort(); }

    void acceptLoop() {
      while (!closed) {
        try {
          Socket client = server.accept();
          client.setTcpNoDelay(true);
          Socket upstream = new Socket();
          try {
            upstream.connect(target, 5000);
            upstream.setTcpNoDelay(true);
          } catch (IOException e) {
            LOG.warn("relay {}: cannot reach {}: {}", peer, target, e.toString());
            lastError = "cannot connect to " + target.getHostString() + ":" + target.getPort() + " (" + e.getMessage() + ")";
            closeQuietly(client);
            closeQuietly(upstream);
            continue;
          }
          lastError = "";
          sockets.add(client);
          sockets.add(upstream);
          Connection c = new Connection(client, upstream);
          c.start();
        } catch (IOException e) {
          if (!closed) LOG.warn("relay {}: accept failed: {}", peer, e.toString());
        }
      }
    }

    synchronized double nextGaussian() {
      // Box-Muller on the seeded stream
      double u1 = Math.max(1e-12, random.nextDouble());
      double u2 = random.nextDouble();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    synchronized boolean lost(double lossPct) { return lossPct > 0 && random.nextDouble() * 100 < lossPct; }

    void close() {
      closed = true;
      closeQuietly(server);
      sockets.forEach(RelayShaper::closeQuietly);
      sockets.clear();
    }

    /** A client connection and its upstream connection, pumped both ways. */
    private final class Connection {
      final Socket client;
      final Socket upstream;
      final AtomicInteger openDirections = new AtomicInteger(2);
      volatile boolean dead;

      Connection(Socket client, Socket upstream) {
        this.client = client;
        this.upstream = upstream;
      }

      void start() throws IOException {
        Direction up = new Direction(client.getInputStream(), upstream, bytesUp);
        Direction down = new Direction(upstream.getInputStream(), client, bytesDown);
        threads.execute(up::read);
        threads.execute(up::write);
        threads.execute(down::read);
        threads.execute(down::write);
      }

      void directionDone() {
        if (openDirections.decrementAndGet() == 0) closeBoth();
      }

      void closeBoth() {
        dead = true;
        closeQuietly(client);
        closeQuietly(upstream);
        sockets.remove(client);
        sockets.remove(upstream);
      }

      /** One direction: a reader that times segments and a writer that delivers them when due. */
      private final class Direction {
        final InputStream in;
        final Socket out;
        final AtomicLong counter;
        final BlockingQueue<Segment> queue = new LinkedBlockingQueue<>(Math.max(1, settings.queueBytes() / settings.segmentBytes()));
        long linkFreeAtNs;
        long lastDeliverNs;

        Direction(InputStream in, Socket out, AtomicLong counter) {
          this.in = in;
          this.out = out;
          this.counter = counter;
        }

        void read() {
          byte[] buf = new byte[64 * 1024];
          try {
            int n;
            while ((n = in.read(buf)) >= 0) {
              for (int off = 0; off < n; off += settings.segmentBytes()) {
                int len = Math.min(settings.segmentBytes(), n - off);
                byte[] seg = java.util.Arrays.copyOfRange(buf, off, off + len);
                Segment s = new Segment(seg, len, deliverAt(len));
                while (!queue.offer(s, 100, TimeUnit.MILLISECONDS)) {
                  if (dead) return;
                }
              }
            }
          } catch (IOException e) {
            // the socket closed: deliver what is queued, then end this direction
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            try {
              while (!dead && !queue.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
                // the writer is still delivering
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        /** When a segment of {@code len} bytes read now reaches the other side. */
        long deliverAt(int len) {
          LinkConditions c = conditions.get();
          long now = System.nanoTime();
          long serialisationNs = Math.round(len * 8.0 / (c.rateMbps() * 1e6) * 1e9);
          linkFreeAtNs = Math.max(now, linkFreeAtNs) + serialisationNs;
          double delayMs = c.delayMs();
          if (c.jitterMs() > 0) delayMs = Math.max(0, delayMs + c.jitterMs() * nextGaussian());
          if (lost(c.lossPct())) {
            retransmitted.incrementAndGet();
            delayMs += Math.max(settings.rtoMinMs(), c.rttMs() + 4 * c.jitterMs());
          }
          long at = linkFreeAtNs + Math.round(delayMs * 1e6);
          at = Math.max(at, lastDeliverNs);
          lastDeliverNs = at;
          return at;
        }

        void write() {
          try {
            OutputStream os = out.getOutputStream();
            while (true) {
              Segment s = queue.take();
              if (s == EOF) {
                try {
                  out.shutdownOutput();
                } catch (IOException e) {
                  // already closed
                }
                break;
              }
              long wait;
              while ((wait = s.deliverAtNs - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
              os.write(s.data, 0, s.len);
              counter.addAndGet(s.len);
              // segments already due go out in the same flush
              Segment next;
              while ((next = queue.peek()) != null && next != EOF && next.deliverAtNs <= System.nanoTime()) {
                queue.poll();
                os.write(next.data, 0, next.len);
                counter.addAndGet(next.len);
              }
              os.flush();
            }
          } catch (IOException e) {
            closeBoth();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            directionDone();
          }
        }
      }
    }
  }

  private record Segment(byte[] data, int len, long deliverAtNs) {}

  private static final Segment EOF = new Segment(null, 0, 0);

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
