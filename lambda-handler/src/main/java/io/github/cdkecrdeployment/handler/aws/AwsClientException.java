package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;

/**
 * A call could not be made: no credentials, a malformed endpoint setting, a request the signer
 * refuses. Never retried; the message says what to set and never contains a credential.
 */
public final class AwsClientException extends IOException implements Retryable {
  private static final long serialVersionUID = 1L;

  /** Creates one. */
  public AwsClientException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
