package io.testbed.power.adapter.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Smart plugs that report over MQTT: Tasmota ({@code tele/<name>/SENSOR}, JSON
 * {@code {"ENERGY":{"Power":..,"Voltage":..,"Current":..}}}) and Shelly Gen1 ({@code shellies/<name>/relay/0/power},
 * a plain number of watts). Samples are stamped on arrival (the plugs' own clocks have second resolution at best). A
 * payload that is not a reading, or losing the broker, fails the meter; the bridge reconnects with backoff.
 */
public final class SmartPlugMeter implements MeterAdapter {
  /** Which firmware's topic and payload. */
  public enum Kind { TASMOTA, SHELLY }

  private final MeterInfo info;
  private final Kind kind;
  private final MqttConnection broker;
  private final String topic;
  private final int channel;
  private final Duration pollInterval;
  private final TimeSource time;
  private final ConcurrentLinkedQueue<PowerSample> received = new ConcurrentLinkedQueue<>();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private MqttClient client;

  /**
   * @param topic the plug's topic ({@code tele/<name>/SENSOR} or {@code shellies/<name>/relay/0/power})
   * @param channel index into Tasmota's {@code Power} array on multi-channel plugs (ignored for single values)
   */
  public SmartPlugMeter(MeterInfo info, Kind kind, MqttConnection broker, String topic, int channel, Duration pollInterval, TimeSource time) {
    this.info = info;
    this.kind = kind;
    this.broker = broker;
    this.topic = topic;
    this.channel = channel;
    this.pollInterval = pollInterval;
    this.time = time;
  }

  /**
   * From a meter's config: {@code name}, {@code topic} ({@code {name}} substituted), {@code channel}, {@code poll-interval},
   * and {@code broker}/{@code username}/{@code password}/{@code tls-ca-file} (empty broker: the bridge's own).
   */
  public static SmartPlugMeter create(MeterInfo info, Kind kind, Config c, MqttConnection bridgeBroker, TimeSource time) {
    if (c.getString("topic").contains("{name}") && c.getString("name").isBlank()) throw new IllegalArgumentException("name is required (the plug's MQTT topic name)");
    String url = c.getString("broker");
    MqttConnection b = url.isBlank() ? bridgeBroker : new MqttConnection(url, c.getString("username"), c.getString("password"), c.getString("tls-ca-file"));
    String topic = c.getString("topic").replace("{name}", c.getString("name"));
    return new SmartPlugMeter(info, kind, b, topic, c.getInt("channel"), c.getDuration("poll-interval"), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return pollInterval; }

  @Override
  public void start() throws MeterException {
    received.clear();
    failure.set(null);
    try {
      MqttClient c = new MqttClient(broker.url(), "power-bridge-" + info.meterId(), new MemoryPersistence());
      c.setCallback(new MqttCallback() {
        @Override
        public void connectionLost(Throwable cause) { failure.compareAndSet(null, "lost the broker " + broker.url() + ": " + cause.getMessage()); }

        @Override
        public void messageArrived(String t, MqttMessage m) { onMessage(m.getPayload()); }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {}
      });
      client = c;
      c.connect(broker.options(10, 10));
      c.subscribe(topic, 0);
    } catch (MqttException e) {
      close();
      throw new MeterException("smart plug " + info.meterId() + " via " + broker.url() + ": " + e.getMessage(), e);
    }
  }

  /** Paho callback thread: decode only, never throw. */
  private void onMessage(byte[] payload) {
    if (failure.get() != null) return; // samples stop at the first bad payload until the bridge restarts the meter
    long now = time.epochNanos();
    String text = new String(payload, StandardCharsets.UTF_8).trim();
    try {
      received.add(kind == Kind.TASMOTA ? tasmota(text, now) : shelly(text, now));
    } catch (IllegalArgumentException | IOException e) {
      failure.compareAndSet(null, kind.name().toLowerCase(Locale.ROOT) + " payload on " + topic + " is not a reading: " + e.getMessage());
    }
  }

  private PowerSample tasmota(String text, long now) throws IOException {
    JsonNode energy = WireCodec.mapper().readTree(text).path("ENERGY");
    if (energy.isMissingNode()) throw new IllegalArgumentException("no ENERGY object in '" + abbreviate(text) + "'");
    Double p = number(energy.get("Power"), "ENERGY.Power", true);
    Double v = number(energy.get("Voltage"), "ENERGY.Voltage", false);
    Double a = number(energy.get("Current"), "ENERGY.Current", false);
    return new PowerSample(now, p, v, a);
  }

  private Double number(JsonNode n, String name, boolean required) {
    if (n != null && n.isArray()) n = n.get(channel);
    if (n == null || n.isNull()) {
      if (required) throw new IllegalArgumentException(name + " is missing");
      return null;
    }
    if (!n.isNumber()) throw new IllegalArgumentException(name + " is not a number: " + n);
    return n.doubleValue();
  }

  private PowerSample shelly(String text, long now) {
    double p;
    try {
      p = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a number of watts");
    }
    return new PowerSample(now, p, null, null);
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    List<PowerSample> out = new ArrayList<>();
    PowerSample s;
    while ((s = received.poll()) != null) out.add(s);
    String f = failure.get();
    // readings that arrived before the failure still count; the failure surfaces on the next poll
    if (f != null && out.isEmpty()) throw new MeterException(f);
    return out;
  }

  @Override
  public void close() {
    MqttClient c = client;
    client = null;
    if (c == null) return;
    try {
      if (c.isConnected()) c.disconnectForcibly(0, 1000);
    } catch (MqttException ignored) {
      // the broker is already gone
    }
    try {
      c.close(true);
    } catch (MqttException ignored) {
      // nothing more to release
    }
  }

  private static String abbreviate(String s) { return s.length() > 60 ? s.substring(0, 60) + "..." : s; }
}
