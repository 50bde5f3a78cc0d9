package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;

/**
 * An AWS service answered with an error status. Carries what the service said, which never contains
 * a credential: the HTTP status, the AWS error code (null when the response had none, as a HEAD has
 * no body), the service's message and the request id.
 */
public final class AwsServiceError extends IOException implements Retryable {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String serviceMessage;
  private final String requestId;

  /**
   * Creates one.
   *
   * @param what the call, e.g. {@code ECR BatchDeleteImage in us-east-1}
   * @param status the HTTP status
   * @param code the AWS error code, or null
   * @param serviceMessage the service's message, or null
   * @param requestId the request id, or null
   */
  public AwsServiceError(
      String what, int status, String code, String serviceMessage, String requestId) {
    super(
        what
            + " failed with HTTP "
            + status
            + (code != null ? " " + code : "")
            + (serviceMessage != null ? ": " + serviceMessage : "")
            + (requestId != null ? " (request id " + requestId + ")" : ""));
    this.status = status;
    this.code = code;
    this.serviceMessage = serviceMessage;
    this.requestId = requestId;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The AWS error code without namespace, e.g. {@code AccessDeniedException}, or null. */
  public String code() {
    return code;
  }

  /** The service's message, or null. */
  public String serviceMessage() {
    return serviceMessage;
  }

  /** The request id, or null. */
  public String requestId() {
    return requestId;
  }

  /** True when {@link AwsRetry} tries the call again: throttling, 5xx, request timeouts. */
  @Override
  public boolean isTransient() {
    return AwsRetry.isRetryable(status, code);
  }
}
