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

  /** Error code of a TLS certificate that could not be verified (never retried). */
  public static final String TLS_CERTIFICATE = "TLS_CERTIFICATE";

  /** Error code of a request stopped because the copy's deadline passed (never retried). */
  public static final String DEADLINE = "DEADLINE_EXCEEDED";

  /**
   * True when trying again may succeed: no response at all (reset, timeout), 408, 429, 5xx, or the
   * upload-session errors {@code BLOB_UPLOAD_UNKNOWN}/{@code BLOB_UPLOAD_INVALID}. Certificate
   * errors and deadline stops are never transient.
   */
  public boolean isTransient() {
    if (TLS_CERTIFICATE.equals(errorCode) || DEADLINE.equals(errorCode)) {
      return false;
    }
    return statusCode == 0
        || statusCode == 408
        || statusCode == 429
        || statusCode >= 500
        || "BLOB_UPLOAD_UNKNOWN".equals(errorCode)
        || "BLOB_UPLOAD_INVALID".equals(errorCode);
  }
}
