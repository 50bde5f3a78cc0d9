package io.github.cdkecrdeployment.handler.common;

import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Exponential backoff with full jitter (<a
 * href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">why full
 * jitter</a>) on the AWS SDK's own {@link BackoffStrategy}, plus the bounds every retry here needs:
 * a total number of attempts, a server's {@code Retry-After} honoured up to the cap, and never a
 * wait that would pass the deadline.
 *
 * @param attempts total attempts, at least 1
 * @param baseDelay ceiling of the first wait, positive
 * @param maxDelay largest ceiling and largest {@code Retry-After} honoured, at least {@code
 *     baseDelay}
 */
public record Backoff(int attempts, Duration baseDelay, Duration maxDelay) {
  /** Validates the ranges; messages name the bad value. */
  public Backoff {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    if (baseDelay.isNegative() || baseDelay.isZero()) {
      throw new IllegalArgumentException("baseDelay must be above 0, got " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay (" + maxDelay + ") must not be less than baseDelay (" + baseDelay + ")");
    }
  }

  /**
   * The wait before the attempt after {@code failedAttempt} (counting from 1): the server's {@code
   * retryAfter} when given (capped at {@link #maxDelay()}), else a full-jitter delay.
   */
  public Duration delayAfter(int failedAttempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
    }
    return BackoffStrategy.exponentialDelay(baseDelay, maxDelay).computeDelay(failedAttempt);
  }

  /** True when another attempt may follow {@code failedAttempt}. */
  public boolean allowsAnother(int failedAttempt) {
    return failedAttempt < attempts;
  }

  /**
   * Sleeps {@code wait} unless it would pass {@code deadline}.
   *
   * @throws DeadlineException when the wait would end past the deadline
   * @throws java.io.InterruptedIOException when the thread is interrupted
   */
  public static void sleep(Duration wait, Deadline deadline, String what)
      throws DeadlineException, java.io.InterruptedIOException {
    if (wait.compareTo(deadline.remaining()) >= 0) {
      throw new DeadlineException(what + ": not retried, the deadline would pass first");
    }
    try {
      Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      java.io.InterruptedIOException ie = new java.io.InterruptedIOException(what + " interrupted");
      ie.initCause(e);
      throw ie;
    }
  }
}
