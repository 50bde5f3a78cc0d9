package io.github.cdkecrdeployment.handler.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which failures the AWS calls retry, as the SDK's standard mode does (throttling codes, 429, 5xx,
 * service-side timeouts, I/O failures), and the bound of 3 attempts.
 */
class AwsRetryTest {
  private static final AwsRetry FAST =
      new AwsRetry(
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(2)),
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(2)));

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "400, ThrottlingException, true",
    "400, TooManyRequestsException, true",
    "400, ThrottledException, true",
    "503, RequestLimitExceeded, true",
    "503, SlowDown, true",
    "400, RequestTimeout, true",
    "400, PriorRequestNotComplete, true",
    "429, , true",
    "500, , true",
    "502, , true",
    "503, , true",
    "504, , true",
    "400, AccessDeniedException, false",
    "403, , false",
    "404, NoSuchKey, false",
    "400, LimitExceededException, false",
    "400, , false"
  })
  void serviceErrors(int status, String code, boolean retried) {
    assertEquals(retried, AwsRetry.isRetryable(status, code));
    assertEquals(retried, new AwsServiceError("Call", status, code, null, null).isTransient());
  }

  @Test
  void ioFailuresAreRetriedButInterruptionsTheDeadlineAndClientErrorsAreNot() {
    assertTrue(AwsRetry.isRetryable(new ConnectException("refused")));
    assertTrue(AwsRetry.isRetryable(new SocketTimeoutException("read timed out")));
    assertTrue(AwsRetry.isRetryable(new IOException("Connection reset")));
    assertFalse(AwsRetry.isRetryable(new InterruptedIOException("interrupted")));
    assertFalse(AwsRetry.isRetryable(new DeadlineException("late")));
    assertFalse(AwsRetry.isRetryable(new AwsClientException("no AWS credentials", null)));
  }

  @Test
  void aTransientFailureIsTriedThreeTimesInAllAPermanentOneOnce() {
    List<Integer> attempts = new ArrayList<>();
    ConnectException refused =
        assertThrowsExactly(
            ConnectException.class,
            () ->
                FAST.run(
                    "Call",
                    Deadline.none(),
                    () -> {
                      attempts.add(attempts.size() + 1);
                      throw new ConnectException("refused");
                    }));
    assertEquals("refused", refused.getMessage());
    assertEquals(List.of(1, 2, 3), attempts);

    attempts.clear();
    assertThrowsExactly(
        AwsServiceError.class,
        () ->
            FAST.run(
                "Call",
                Deadline.none(),
                () -> {
                  attempts.add(attempts.size() + 1);
                  throw new AwsServiceError("Call", 400, "ValidationException", null, null);
                }));
    assertEquals(List.of(1), attempts);
  }

  @Test
  void theStandardModeMakesThreeAttempts() {
    assertEquals(3, AwsRetry.STANDARD.standard().attempts());
    assertEquals(3, AwsRetry.STANDARD.throttled().attempts());
    assertTrue(
        AwsRetry.STANDARD
                .throttled()
                .baseDelay()
                .compareTo(AwsRetry.STANDARD.standard().baseDelay())
            > 0,
        "a larger first wait after throttling");
  }
}
