package io.testbed.power.port;

/** A meter cannot deliver: it is unreachable, disconnected, or answered something that is not a reading. */
public class MeterException extends Exception {
  public MeterException(String message) {
    super(message);
  }

  public MeterException(String message, Throwable cause) {
    super(message, cause);
  }
}
