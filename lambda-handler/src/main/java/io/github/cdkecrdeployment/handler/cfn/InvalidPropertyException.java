package io.github.cdkecrdeployment.handler.cfn;

/**
 * A resource property is missing or malformed. The message names the property, quotes the bad value
 * (never a credential) and says how to fix it.
 */
public class InvalidPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates one. */
  public InvalidPropertyException(String message) {
    super(message);
  }
}
