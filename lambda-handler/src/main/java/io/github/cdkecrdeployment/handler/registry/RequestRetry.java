package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
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

  /** Checks the backoff is there. */
  public RequestRetry {
    Objects.requireNonNull(backoff, "backoff");
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
    for (int attempt = 1; ; attempt++) {
      DeadlineException.check(deadline, what);
      try {
        return op.call();
      } catch (IOException e) {
        if (!Retryable.isTransient(e) || !backoff.allowsAnother(attempt)) {
          throw e;
        }
        Duration retryAfter = e instanceof RegistryException r ? r.retryAfter() : null;
        Duration wait = backoff.delayAfter(attempt, retryAfter);
        if (wait.compareTo(deadline.remaining()) >= 0) {
          throw new DeadlineException(
              e.getMessage() + " (not retried: the deadline would pass first)");
        }
        Backoff.sleep(wait, deadline, what);
      }
    }
  }
}
