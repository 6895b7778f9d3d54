package io.testbed.protocol;

/** Version of the wire schema; carried by every message and in the topic root. */
public final class SchemaVersion {
  public static final int CURRENT = 1;

  private SchemaVersion() {}

  static int check(int v) {
    if (v < 1 || v > CURRENT) {
      throw new IllegalArgumentException("schemaVersion " + v + " not supported (this build speaks 1.." + CURRENT + ")");
    }
    return v;
  }
}
