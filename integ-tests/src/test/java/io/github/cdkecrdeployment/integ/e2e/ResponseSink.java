package io.github.cdkecrdeployment.integ.e2e;

import java.time.Duration;

/**
 * Where a function's custom resource responses arrive: a local stand-in for the pre-signed S3 URL.
 */
public interface ResponseSink {

  /** A response URL for one request. */
  String newUrl();

  /**
   * The response to request {@code requestId}, waiting up to {@code timeout}; null when none
   * arrived.
   *
   * @throws AssertionError when more than one response to that request arrived
   */
  CfnResponse await(String requestId, Duration timeout) throws InterruptedException;
}
