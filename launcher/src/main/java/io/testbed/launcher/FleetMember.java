package io.testbed.launcher;

/**
 * One emulated device of the all-in-one: its id, its agent profile, whether it serves offloads (cloud agent) and,
 * for a cloud agent, the recommendation models it serves ({@code null}: the cloud agent's default; {@code "none"}: off).
 */
public record FleetMember(String id, String profile, boolean servesOffload, String recModels) {
  public FleetMember {
    if (id == null || !id.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("fleet: bad device id '" + id + "'");
    if (profile == null || profile.isBlank()) throw new IllegalArgumentException("fleet: device " + id + " needs a profile");
    if (recModels != null && !servesOffload) {
      throw new IllegalArgumentException("fleet: device " + id + " sets rec-models but does not serve offloads (only cloud agents serve them)");
    }
  }

  static java.util.List<FleetMember> fromConfig(com.typesafe.config.Config c) {
    return c.getConfigList("testbed.launcher.fleet").stream()
        .map(d -> new FleetMember(d.getString("id"), d.getString("profile"), d.hasPath("serves-offload") && d.getBoolean("serves-offload"),
            d.hasPath("rec-models") ? d.getString("rec-models") : null))
        .toList();
  }
}
