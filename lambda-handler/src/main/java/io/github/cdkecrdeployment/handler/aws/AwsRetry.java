package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import io.github.cdkecrdeployment.handler.common.Retry;
import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;

/**
 * The retry of every AWS call, as the SDK's standard retry mode does it (<a
 * href="https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html">retry
 * behavior</a>): 3 attempts in all; throttling errors, HTTP 429, 5xx, request timeouts and I/O
 * failures are retried, with exponential backoff and full jitter (a larger first wait after
 * throttling); a wait that would pass the deadline ends the call instead. The one place that says
 * which failure is retryable.
 *
 * @param standard the backoff after an error that is not throttling
 * @param throttled the backoff after throttling
 */
public record AwsRetry(Backoff standard, Backoff throttled) {
  /** The SDK's standard mode: 3 attempts, 100 ms base (1 s after throttling), 20 s cap. */
  public static final AwsRetry STANDARD =
      new AwsRetry(
          new Backoff(3, Duration.ofMillis(100), Duration.ofSeconds(20)),
          new Backoff(3, Duration.ofSeconds(1), Duration.ofSeconds(20)));

  /** The error codes AWS services use for throttling; the SDK retries these. */
  static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottledException",
          "TooManyRequestsException",
          "ProvisionedThroughputExceededException",
          "TransactionInProgressException",
          "RequestLimitExceeded",
          "BandwidthLimitExceeded",
          "RequestThrottled",
          "SlowDown",
          "EC2ThrottledException");

  /** Other error codes the SDK retries: timeouts on the service's side, internal errors. */
  static final Set<String> TRANSIENT_CODES =
      Set.of(
          "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError");

  /**
   * One attempt of a call.
   *
   * @param <T> its result
   */
  @FunctionalInterface
  public interface Attempt<T> {
    /** Makes the call once. */
    T call() throws IOException;
  }

  /** True when an error answer with {@code status} and {@code code} (or null) is retried. */
  public static boolean isRetryable(int status, String code) {
    return status >= 500
        || status == 429
        || isThrottling(status, code)
        || (code != null && TRANSIENT_CODES.contains(code));
  }

  /** True for throttling: HTTP 429 or one of {@link #THROTTLING_CODES}. */
  static boolean isThrottling(int status, String code) {
    return status == 429 || (code != null && THROTTLING_CODES.contains(code));
  }

  /**
   * True when the call that failed with {@code e} is tried again: an error the failure itself calls
   * transient ({@link AwsServiceError}, {@link AwsClientException}), or an I/O failure (a reset, a
   * refused connection, a read timeout), but never an interruption or the deadline.
   */
  public static boolean isRetryable(IOException e) {
    if (e instanceof Retryable r) {
      return r.isTransient();
    }
    if (e instanceof DeadlineException) {
      return false;
    }
    return !(e instanceof InterruptedIOException) || e instanceof SocketTimeoutException;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails in a way that is not retryable, or has used its
   * attempts; a wait that would pass {@code deadline} throws a {@link DeadlineException}.
   */
  public <T> T run(String what, Deadline deadline, Attempt<T> attempt) throws IOException {
    return Retry.run(
        what,
        deadline,
        e -> {
          if (!isRetryable(e)) {
            return null;
          }
          return e instanceof AwsServiceError s && isThrottling(s.status(), s.code())
              ? throttled
              : standard;
        },
        attempt::call);
  }
}
