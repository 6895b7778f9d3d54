package io.testbed.launcher;

/** One emulated device of the all-in-one: its id, its agent profile, and whether it serves offloads (cloud agent). */
public record FleetMember(String id, String profile, boolean servesOffload) {
  public FleetMember {
    if (id == null || !id.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("fleet: bad device id '" + id + "'");
    if (profile == null || profile.isBlank()) throw new IllegalArgumentException("fleet: device " + id + " needs a profile");
  }

  static java.util.List<FleetMember> fromConfig(com.typesafe.config.Config c) {
    return c.getConfigList("testbed.launcher.fleet").stream()
        .map(d -> new FleetMember(d.getString("id"), d.getString("profile"), d.hasPath("serves-offload") && d.getBoolean("serves-offload")))
        .toList();
  }
}
