package io.github.cdkecrdeployment.handler.copy;

import java.time.Duration;
import java.util.Objects;

/**
 * Attempts of the whole copy (the upstream {@code RetryConfigs} meaning), with exponential backoff
 * and full jitter between attempts. Per-request retries inside the engine are separate and always
 * on.
 *
 * @param attempts total attempts, at least 1 (default 1)
 * @param baseDelay first backoff, positive
 * @param maxDelay largest backoff, at least {@code baseDelay}
 */
public record RetryPolicy(int attempts, Duration baseDelay, Duration maxDelay) {
  /** One attempt, no retry: the upstream default. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(30));

  /** Validates the ranges; messages name the bad value. */
  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (attempts < 1) {
      throw new IllegalArgumentException("numAttempts must be at least 1, got " + attempts);
    }
    if (baseDelay.isNegative() || baseDelay.isZero()) {
      throw new IllegalArgumentException(
          "baseDelay must be greater than 0 seconds, got " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay (" + maxDelay + ") must not be less than baseDelay (" + baseDelay + ")");
    }
  }
}
