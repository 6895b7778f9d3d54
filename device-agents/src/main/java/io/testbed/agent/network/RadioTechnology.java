package io.testbed.agent.network;

import java.util.Locale;

/** The radio technology of an offload link; decides the RSSI map and the radio power model that apply. */
public enum RadioTechnology {
  WIFI,
  LTE;

  /** {@code wifi} or {@code lte}, as in {@code SetNetwork.technology}. */
  public String wireName() { return name().toLowerCase(Locale.ROOT); }

  public static RadioTechnology fromWire(String s) {
    if (s == null) throw new IllegalArgumentException("technology is required (wifi or lte)");
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "wifi" -> WIFI;
      case "lte" -> LTE;
      default -> throw new IllegalArgumentException("technology must be wifi or lte, was " + s);
    };
  }
}
