package io.github.cdkecrdeployment.handler.common;

import java.io.IOException;
import java.time.Duration;

/**
 * The one retry loop of single steps (a registry request, an AWS call, a blob): try, ask the {@link
 * Rule} whether and after which {@link Backoff} the failure is tried again, wait, never past the
 * deadline. The rules differ by caller (which failures are transient, what throttling looks like);
 * the loop does not.
 */
public final class Retry {
  private Retry() {}

  /**
   * One attempt of a step.
   *
   * @param <T> its result
   */
  @FunctionalInterface
  public interface Attempt<T> {
    /** Makes the attempt. */
    T call() throws IOException;
  }

  /** What the loop asks of a failure. */
  public interface Rule {
    /** The backoff to go on with after {@code failure}, or null when it is not tried again. */
    Backoff backoffAfter(IOException failure);

    /** The server's {@code Retry-After} that {@code failure} carries, or null. */
    default Duration retryAfter(IOException failure) {
      return null;
    }

    /** Called before the wait of {@code wait} that precedes the next attempt. */
    default void retrying(IOException failure, Duration wait) {}
  }

  /**
   * Runs {@code attempt} until it succeeds, fails in a way {@code rule} does not retry, or has used
   * the attempts of its backoff.
   *
   * @throws DeadlineException when the deadline has passed, or the next wait would pass it (its
   *     message is then the last failure's)
   */
  public static <T> T run(String what, Deadline deadline, Rule rule, Attempt<T> attempt)
      throws IOException {
    for (int n = 1; ; n++) {
      DeadlineException.check(deadline, what);
      try {
        return attempt.call();
      } catch (IOException e) {
        Backoff b = rule.backoffAfter(e);
        if (b == null || !b.allowsAnother(n)) {
          throw e;
        }
        Duration wait = b.delayAfter(n, rule.retryAfter(e));
        if (wait.compareTo(deadline.remaining()) >= 0) {
          throw new DeadlineException(
              e.getMessage() + " (not retried: the deadline would pass first)");
        }
        rule.retrying(e, wait);
        Backoff.sleep(wait, deadline, what);
      }
    }
  }
}
