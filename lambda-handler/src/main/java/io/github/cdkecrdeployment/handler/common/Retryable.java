package io.github.cdkecrdeployment.handler.common;

/**
 * A failure that knows whether trying the same step again may succeed: the one question every retry
 * loop here asks, answered by the code that understood the failure (the registry transport's
 * classifier, the S3 reader).
 */
public interface Retryable {
  /** True when trying again may succeed (a reset, a timeout, 408, 429, 5xx). */
  boolean isTransient();

  /** True when {@code t} is a {@link Retryable} failure that says it is transient. */
  static boolean isTransient(Throwable t) {
    return t instanceof Retryable r && r.isTransient();
  }
}
