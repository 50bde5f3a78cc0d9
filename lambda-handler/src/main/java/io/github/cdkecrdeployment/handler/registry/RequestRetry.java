package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.copy.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-request retry: exponential backoff with full jitter (<a
 * href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">why full
 * jitter</a>), a server's {@code Retry-After} honoured, bounded attempts, never past the deadline.
 *
 * @param attempts total attempts per request, at least 1 (default 6)
 * @param baseDelay first backoff ceiling (default 200 ms)
 * @param maxDelay largest backoff ceiling and largest Retry-After honoured (default 20 s)
 */
public record RequestRetry(int attempts, Duration baseDelay, Duration maxDelay) {
  /** The default: 6 attempts, 200 ms base, 20 s cap. */
  public static final RequestRetry DEFAULT =
      new RequestRetry(6, Duration.ofMillis(200), Duration.ofSeconds(20));

  /** Validates the ranges. */
  public RequestRetry {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (attempts < 1) {
      throw new IllegalArgumentException("request attempts must be at least 1, got " + attempts);
    }
  }

  /**
   * One step of work that may fail with a {@link RegistryException}.
   *
   * @param <T> its result
   */
  @FunctionalInterface
  public interface Call<T> {
    /** Does the work once. */
    T call() throws IOException;
  }

  /** A transient failure that carries the server's Retry-After. */
  static final class RetryAfter extends RegistryException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    RetryAfter(RegistryException e, Duration retryAfter) {
      super(e.getMessage(), e.statusCode(), e.errorCode(), e.getCause());
      this.retryAfter = retryAfter;
    }
  }

  /** Backoff ceiling before attempt {@code attempt + 1} (attempt counts from 1). */
  Duration ceiling(int attempt) {
    long base = baseDelay.toMillis();
    long cap = maxDelay.toMillis();
    long exp = attempt >= 30 ? cap : Math.min(cap, base << (attempt - 1));
    return Duration.ofMillis(Math.max(exp, 1));
  }

  /**
   * Runs {@code op}, retrying {@link RegistryException#isTransient() transient} failures; gives up
   * with a {@link RegistryException#DEADLINE} error when a wait would pass the deadline.
   */
  public <T> T run(String what, Deadline deadline, Call<T> op) throws IOException {
    for (int attempt = 1; ; attempt++) {
      checkDeadline(what, deadline);
      try {
        return op.call();
      } catch (RegistryException e) {
        if (!e.isTransient() || attempt >= attempts) {
          throw e;
        }
        Duration wait;
        if (e instanceof RetryAfter ra && ra.retryAfter != null) {
          wait = ra.retryAfter.compareTo(maxDelay) > 0 ? maxDelay : ra.retryAfter;
        } else {
          wait =
              Duration.ofMillis(
                  ThreadLocalRandom.current().nextLong(ceiling(attempt).toMillis() + 1));
        }
        if (wait.compareTo(deadline.remaining()) >= 0) {
          throw new RegistryException(
              e.getMessage() + " (not retried: the deadline would pass first)",
              e.statusCode(),
              RegistryException.DEADLINE,
              e);
        }
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException(what + " interrupted");
        }
      }
    }
  }

  static void checkDeadline(String what, Deadline deadline) throws RegistryException {
    if (deadline.expired()) {
      throw new RegistryException(
          what + ": stopped, the deadline passed", 0, RegistryException.DEADLINE, null);
    }
  }
}
