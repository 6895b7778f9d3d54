package io.testbed.inference;

/** Inference failed: bad input size, unknown model or precision, ONNX Runtime error; the message names the problem. */
public final class InferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message) { super(message); }

  public InferenceException(String message, Throwable cause) { super(message, cause); }
}
