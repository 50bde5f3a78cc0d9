package io.github.cdkecrdeployment.handler.archive;

import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;

/**
 * The archive cannot be used: it is missing, unreadable, truncated or corrupt, or the requested
 * image is not in it. The message names the archive and says how to fix it.
 */
public class ArchiveException extends IOException implements Retryable {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  /**
   * Creates one.
   *
   * @param message what is wrong and the fix
   * @param permanent true when retrying cannot help (bad content, unknown ref, missing object)
   * @param cause the underlying failure, or null
   */
  public ArchiveException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** True when retrying the copy cannot help. */
  public boolean permanent() {
    return permanent;
  }

  @Override
  public boolean isTransient() {
    return !permanent;
  }
}
