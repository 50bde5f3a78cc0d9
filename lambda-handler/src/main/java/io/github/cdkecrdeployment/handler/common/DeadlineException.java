package io.github.cdkecrdeployment.handler.common;

import java.io.IOException;

/**
 * A request or wait was stopped because the copy's {@link Deadline} passed. Never retried; the copy
 * turns it into its deadline failure.
 */
public class DeadlineException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates one naming what was stopped. */
  public DeadlineException(String message) {
    super(message);
  }

  /** Throws when {@code deadline} has passed. */
  public static void check(Deadline deadline, String what) throws DeadlineException {
    if (deadline.expired()) {
      throw new DeadlineException(what + ": stopped, the deadline passed");
    }
  }
}
