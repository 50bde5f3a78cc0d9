package io.github.cdkecrdeployment.handler.copy;

/**
 * A copy failed. The message says what failed (image, registry, HTTP status or registry error code)
 * and how to fix it, and never contains a credential.
 */
public class CopyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient CopyProgress progress;

  /** Creates one. */
  public CopyException(String message, CopyProgress progress, Throwable cause) {
    super(message, cause);
    this.progress = progress == null ? CopyProgress.NONE : progress;
  }

  /** How far the copy got before failing. */
  public CopyProgress progress() {
    return progress;
  }
}
