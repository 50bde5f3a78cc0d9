package io.github.cdkecrdeployment.handler.registry;

import java.io.IOException;

/**
 * A registry answered with an error, or could not be reached. The message names the image, the
 * registry, the HTTP status or registry error code and what to do; it never contains a credential.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;

  /**
   * Creates one.
   *
   * @param message what failed and the fix
   * @param statusCode HTTP status, or 0 when no response was received
   * @param errorCode registry error code such as {@code UNAUTHORIZED}, or null
   * @param cause the underlying failure, or null
   */
  public RegistryException(String message, int statusCode, String errorCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  /** HTTP status, or 0 when no response was received. */
  public int statusCode() {
    return statusCode;
  }

  /** The registry error code such as {@code MANIFEST_UNKNOWN}, or null. */
  public String errorCode() {
    return errorCode;
  }
}
