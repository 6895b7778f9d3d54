package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a power or energy figure comes from: a physical meter, or a model (DESIGN.md: every series says its source). */
public enum PowerSource {
  @JsonProperty("metered") METERED,
  @JsonProperty("modelled") MODELLED;

  public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
