package io.testbed.power.app;

import com.typesafe.config.Config;
import io.testbed.power.adapter.mqtt.PahoSamplePublisher;
import io.testbed.power.config.BridgeSettings;
import io.testbed.power.config.MeterFactory;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.SamplePublisher;
import io.testbed.power.port.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running bridge: one {@link MeterRunner} thread per configured meter, all publishing through one MQTT client.
 * A failing meter backs off and reconnects on its own; the others keep running. Close it to stop every meter,
 * publish what is pending and disconnect.
 */
public final class PowerBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PowerBridge.class);

  private final List<MeterRunner> runners;
  private final AutoCloseable publisherToClose;

  private PowerBridge(List<MeterRunner> runners, AutoCloseable publisherToClose) {
    this.runners = List.copyOf(runners);
    this.publisherToClose = publisherToClose;
  }

  /** Reads {@code testbed.power-bridge} from a resolved config, connects to the broker and starts every meter. */
  public static PowerBridge start(Config config) throws MqttException {
    BridgeSettings settings = BridgeSettings.from(config);
    TimeSource time = TimeSource.system();
    List<MeterAdapter> meters = new ArrayList<>();
    for (Config m : settings.meters()) meters.add(MeterFactory.create(m, settings.broker(), time));
    PahoSamplePublisher publisher = PahoSamplePublisher.connect(settings.broker(), settings.clientId(), settings.qos(), settings.maxInflight(),
        settings.offlineBuffer(), (int) Math.max(1, settings.connectTimeout().toSeconds()));
    return start(settings, meters, publisher, publisher, time);
  }

  /**
   * Starts the given adapters publishing through {@code publisher} (for embedding the bridge and for benches).
   *
   * @param publisherToClose closed with the bridge; null when the caller owns the publisher
   */
  public static PowerBridge start(BridgeSettings settings, List<MeterAdapter> meters, SamplePublisher publisher, AutoCloseable publisherToClose,
      TimeSource time) {
    SplittableRandom seeds = new SplittableRandom(settings.randomSeed());
    List<MeterRunner> runners = new ArrayList<>();
    for (MeterAdapter m : meters) {
      log.info("meter {}: {} bound to {}, {} Hz nominal, resolution {} W, source {}", m.meterId(), m.getClass().getSimpleName(), m.deviceId(),
          m.nominalRateHz(), m.resolutionW(), m.info().source().wireName());
      runners.add(new MeterRunner(m, publisher, settings.batchInterval(), settings.batchMaxSamples(), settings.backoff(), seeds.split(), time));
    }
    if (publisher instanceof PahoSamplePublisher paho) {
      paho.answerClockProbes(new io.testbed.power.adapter.mqtt.ClockProbeResponder(
          meters.stream().map(MeterAdapter::meterId).collect(java.util.stream.Collectors.toSet()), time));
    }
    runners.forEach(MeterRunner::startThread);
    log.info("power bridge started with {} meter(s)", runners.size());
    return new PowerBridge(runners, publisherToClose);
  }

  /** Every meter's counters, in configuration order. */
  public List<MeterStatus> status() { return runners.stream().map(MeterRunner::status).toList(); }

  public Optional<MeterStatus> status(String meterId) {
    return runners.stream().filter(r -> r.meterId().equals(meterId)).findFirst().map(MeterRunner::status);
  }

  @Override
  public void close() {
    runners.forEach(r -> r.stop(Duration.ofSeconds(5)));
    if (publisherToClose != null) {
      try {
        publisherToClose.close();
      } catch (Exception e) {
        log.warn("closing the publisher: {}", e.getMessage());
      }
    }
    log.info("power bridge stopped");
  }
}
