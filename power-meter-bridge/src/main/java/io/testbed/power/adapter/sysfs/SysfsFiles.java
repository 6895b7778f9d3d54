package io.testbed.power.adapter.sysfs;

import io.testbed.power.port.MeterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading one-value sysfs attributes; a missing file or a non-integer value is a {@link MeterException} naming the file. */
final class SysfsFiles {
  private SysfsFiles() {}

  static long readLong(Path file) throws MeterException {
    String text = readText(file);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new MeterException(file + ": not an integer: '" + abbreviate(text) + "'");
    }
  }

  static String readText(Path file) throws MeterException {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new MeterException(file + ": no such file");
    } catch (IOException e) {
      throw new MeterException(file + ": " + e.getMessage(), e);
    }
  }

  static void requireDirectory(Path dir) throws MeterException {
    if (!Files.isDirectory(dir)) throw new MeterException(dir + ": no such directory");
  }

  static String abbreviate(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }
}
