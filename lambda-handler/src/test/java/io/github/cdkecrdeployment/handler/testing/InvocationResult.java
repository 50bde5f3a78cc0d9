package io.github.cdkecrdeployment.handler.testing;

import java.time.Instant;

/**
 * How one invocation ended, as the Lambda service sees it.
 *
 * @param requestId the {@code Lambda-Runtime-Aws-Request-Id}
 * @param outcome success, function error, or timeout (the runtime was stopped)
 * @param body the response payload, or the error document posted by the runtime; empty on timeout
 * @param errorType the {@code Lambda-Runtime-Function-Error-Type} header of an error, else null
 * @param completedAt when the runtime answered (or the timeout struck)
 */
public record InvocationResult(
    String requestId, Outcome outcome, String body, String errorType, Instant completedAt) {

  /** How an invocation ended. */
  public enum Outcome {
    /** The runtime posted {@code /response}. */
    SUCCESS,
    /** The runtime posted {@code /error}. */
    ERROR,
    /** No answer before the deadline: the runtime was stopped, as Lambda does. */
    TIMEOUT
  }

  static InvocationResult success(String requestId, String body) {
    return new InvocationResult(requestId, Outcome.SUCCESS, body, null, Instant.now());
  }

  static InvocationResult error(String requestId, String body, String errorType) {
    return new InvocationResult(requestId, Outcome.ERROR, body, errorType, Instant.now());
  }

  public static InvocationResult timeout(String requestId) {
    return new InvocationResult(requestId, Outcome.TIMEOUT, "", null, Instant.now());
  }
}
