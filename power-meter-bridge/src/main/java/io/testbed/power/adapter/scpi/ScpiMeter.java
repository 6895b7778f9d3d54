package io.testbed.power.adapter.scpi;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Bench power meters and analysers speaking SCPI over raw TCP (port 5025 by convention): sends the configured query
 * (e.g. {@code MEAS:POW?}) each poll and reads one reply line. A reply may hold several numbers separated by
 * {@code ,} or {@code ;}; {@code reply-fields} names them ({@code power}, {@code voltage}, {@code current},
 * {@code ignore}). A sample is stamped at the middle of its round trip. Timeouts, a closed connection or a reply that
 * is not numeric fail the meter; the bridge reconnects with backoff.
 */
public final class ScpiMeter implements MeterAdapter {
  /** What one number of a reply means. */
  public enum Field { POWER, VOLTAGE, CURRENT, IGNORE }

  private final MeterInfo info;
  private final String host;
  private final int port;
  private final String query;
  private final List<String> initCommands;
  private final List<Field> fields;
  private final Duration timeout;
  private final TimeSource time;
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;

  public ScpiMeter(MeterInfo info, String host, int port, String query, List<String> initCommands, List<Field> fields, Duration timeout, TimeSource time) {
    if (query.isBlank()) throw new IllegalArgumentException("meter " + info.meterId() + ": query must not be empty");
    if (!fields.contains(Field.POWER) && !(fields.contains(Field.VOLTAGE) && fields.contains(Field.CURRENT))) {
      throw new IllegalArgumentException("meter " + info.meterId() + ": reply-fields need power, or voltage and current");
    }
    this.info = info;
    this.host = host;
    this.port = port;
    this.query = query;
    this.initCommands = List.copyOf(initCommands);
    this.fields = List.copyOf(fields);
    this.timeout = timeout;
    this.time = time;
  }

  /** From a meter's config: {@code host}, {@code port}, {@code query}, {@code init-commands}, {@code reply-fields}, {@code timeout}. */
  public static ScpiMeter create(MeterInfo info, Config c, TimeSource time) {
    List<Field> fields = c.getStringList("reply-fields").stream().map(f -> {
      try {
        return Field.valueOf(f.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("meter " + info.meterId() + ": reply-fields entries are power, voltage, current or ignore, was '" + f + "'");
      }
    }).toList();
    return new ScpiMeter(info, c.getString("host"), c.getInt("port"), c.getString("query"), c.getStringList("init-commands"), fields,
        c.getDuration("timeout"), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.round(1e9 / info.nominalRateHz())); }

  @Override
  public void start() throws MeterException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      socket = s;
      in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      out = s.getOutputStream();
      for (String cmd : initCommands) send(cmd);
    } catch (IOException e) {
      close();
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
      throw new MeterException("SCPI " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    if (socket == null) throw new MeterException("not connected");
    String reply;
    long before = time.epochNanos();
    try {
      send(query);
      reply = in.readLine();
    } catch (SocketTimeoutException e) {
      throw new MeterException("SCPI " + host + ":" + port + ": no reply to '" + query + "' within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new MeterException("SCPI " + host + ":" + port + ": " + e.getMessage(), e);
    }
    long after = time.epochNanos();
    if (reply == null) throw new MeterException("SCPI " + host + ":" + port + ": connection closed by the meter");
    return List.of(parse(reply.trim(), before + (after - before) / 2));
  }

  private PowerSample parse(String reply, long ts) throws MeterException {
    String[] parts = reply.split("[,;]");
    // exactly as many fields as configured: an error string such as -113,"Undefined header" must not pass as -113 W
    if (parts.length != fields.size()) {
      throw new MeterException("SCPI reply is not numeric: '" + abbreviate(reply) + "' has " + parts.length + " fields, expected " + fields.size());
    }
    Double p = null;
    Double v = null;
    Double a = null;
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i) == Field.IGNORE) continue;
      double x;
      try {
        x = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new MeterException("SCPI reply is not numeric: '" + abbreviate(reply) + "'");
      }
      // SCPI instruments answer 9.9E37 for overflow / not-a-number
      if (!Double.isFinite(x) || Math.abs(x) >= 9.9e37) throw new MeterException("SCPI reply out of range: '" + abbreviate(reply) + "'");
      switch (fields.get(i)) {
        case POWER -> p = x;
        case VOLTAGE -> v = x;
        case CURRENT -> a = x;
        default -> { }
      }
    }
    return new PowerSample(ts, p != null ? p : v * a, v, a);
  }

  private void send(String cmd) throws IOException {
    out.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String abbreviate(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken socket
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
