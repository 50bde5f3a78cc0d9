package io.github.cdkecrdeployment.handler.cfn;

/** The Lambda event is not a custom-resource event that can be answered (no ResponseURL). */
public class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates one with a message that says what is wrong and never quotes the URL. */
  public InvalidEventException(String message) {
    super(message);
  }
}
