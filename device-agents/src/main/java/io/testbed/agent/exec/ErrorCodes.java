package io.testbed.agent.exec;

/** Stable {@code ErrorReply.code} tokens the agent sends. */
public final class ErrorCodes {
  /** The command names a model this device has not loaded. */
  public static final String UNKNOWN_MODEL = "unknown-model";
  /** The command names a target this device does not advertise. */
  public static final String UNKNOWN_TARGET = "unknown-target";
  /** The payload is not a valid command, or asks for something the target cannot do (precision, DVFS level). */
  public static final String BAD_COMMAND = "bad-command";

  private ErrorCodes() {}
}
