package io.testbed.protocol;

/** A payload that is not a valid wire message; the message says why. */
public final class MalformedMessageException extends Exception {
  public MalformedMessageException(String reason) {
    super(reason);
  }
}
