package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Retry;
import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-request retry: {@link Backoff} (exponential, full jitter, {@code Retry-After} honoured up to
 * the cap), bounded attempts, never past the deadline. Only failures that say they are {@link
 * Retryable#isTransient() transient} are retried.
 *
 * @param backoff attempts and delays
 */
public record RequestRetry(Backoff backoff) {
  /** The default: 6 attempts, 200 ms base, 20 s cap. */
  public static final RequestRetry DEFAULT =
      new RequestRetry(6, Duration.ofMillis(200), Duration.ofSeconds(20));

  /**
   * Throttling (429 without {@code Retry-After}, as ECR answers {@code TOOMANYREQUESTS: Rate
   * exceeded} when many deployments push at once) gets at least this many attempts, starting at
   * {@link #THROTTLED_BASE_DELAY}: the rate limit clears when callers slow down, so more patience
   * pays, while other failures keep the shorter budget.
   */
  static final int THROTTLED_ATTEMPTS = 12;

  /** First backoff ceiling of a throttled request. */
  static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(500);

  /** Checks the backoff is there. */
  public RequestRetry {
    Objects.requireNonNull(backoff, "backoff");
  }

  /** The backoff for a throttled request: more attempts, a larger first wait. */
  Backoff throttled() {
    Duration base =
        backoff.baseDelay().compareTo(THROTTLED_BASE_DELAY) < 0
            ? THROTTLED_BASE_DELAY
            : backoff.baseDelay();
    Duration max = backoff.maxDelay().compareTo(base) < 0 ? base : backoff.maxDelay();
    return new Backoff(Math.max(backoff.attempts(), THROTTLED_ATTEMPTS), base, max);
  }

  /**
   * A retry of {@code attempts} total attempts.
   *
   * @param attempts total attempts per request, at least 1
   * @param baseDelay first backoff ceiling
   * @param maxDelay largest backoff ceiling and largest Retry-After honoured
   */
  public RequestRetry(int attempts, Duration baseDelay, Duration maxDelay) {
    this(new Backoff(attempts, baseDelay, maxDelay));
  }

  /**
   * One step of work that may fail.
   *
   * @param <T> its result
   */
  @FunctionalInterface
  public interface Call<T> {
    /** Does the work once. */
    T call() throws IOException;
  }

  /**
   * Runs {@code op}, retrying transient failures; a wait that would pass the deadline ends it with
   * a {@link DeadlineException}.
   */
  public <T> T run(String what, Deadline deadline, Call<T> op) throws IOException {
    return Retry.run(
        what,
        deadline,
        new Retry.Rule() {
          @Override
          public Backoff backoffAfter(IOException e) {
            if (!Retryable.isTransient(e)) {
              return null;
            }
            return e instanceof RegistryException r && r.statusCode() == 429
                ? throttled()
                : backoff;
          }

          @Override
          public Duration retryAfter(IOException e) {
            return e instanceof RegistryException r ? r.retryAfter() : null;
          }
        },
        op::call);
  }
}
