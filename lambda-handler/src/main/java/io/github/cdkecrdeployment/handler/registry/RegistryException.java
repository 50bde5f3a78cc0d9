package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;
import java.time.Duration;

/**
 * A registry answered with an error, or could not be reached. The message names the image, the
 * registry, the HTTP status or registry error code and what to do; it never contains a credential.
 * Built by {@link FailureClassifier}, the one place that decides what is transient.
 */
public class RegistryException extends IOException implements Retryable {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;
  private final transient Duration retryAfter;

  /**
   * Creates one.
   *
   * @param message what failed and the fix
   * @param statusCode HTTP status, or 0 when no response was received
   * @param errorCode registry error code such as {@code UNAUTHORIZED}, or null
   * @param cause the underlying failure, or null
   */
  public RegistryException(String message, int statusCode, String errorCode, Throwable cause) {
    this(message, statusCode, errorCode, cause, null);
  }

  RegistryException(
      String message, int statusCode, String errorCode, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.retryAfter = retryAfter;
  }

  /** A failure that trying again cannot fix, whatever its status says. */
  static RegistryException permanent(String message, String errorCode) {
    return new RegistryException(message, 0, errorCode, null) {
      private static final long serialVersionUID = 1L;

      @Override
      public boolean isTransient() {
        return false;
      }
    };
  }

  /** HTTP status, or 0 when no response was received. */
  public int statusCode() {
    return statusCode;
  }

  /** The registry error code such as {@code MANIFEST_UNKNOWN}, or null. */
  public String errorCode() {
    return errorCode;
  }

  /** The server's {@code Retry-After}, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * True when trying again may succeed: no response at all (reset, timeout), 408, 429, 5xx, or the
   * upload-session errors {@code BLOB_UPLOAD_UNKNOWN}/{@code BLOB_UPLOAD_INVALID}.
   */
  @Override
  public boolean isTransient() {
    return statusCode == 0
        || statusCode == 408
        || statusCode == 429
        || statusCode >= 500
        || "BLOB_UPLOAD_UNKNOWN".equals(errorCode)
        || "BLOB_UPLOAD_INVALID".equals(errorCode);
  }
}
