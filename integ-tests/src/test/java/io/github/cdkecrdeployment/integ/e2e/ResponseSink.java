package io.github.cdkecrdeployment.integ.e2e;

import java.time.Duration;

/**
 * Where a function's custom resource responses arrive: a local stand-in for the pre-signed S3 URL.
 */
public interface ResponseSink {

  /** A fresh response URL for one request. */
  String newUrl();

  /**
   * The response PUT to {@code url}, waiting up to {@code timeout}; null when none arrived.
   *
   * @throws AssertionError when more than one response arrived at {@code url}
   */
  CfnResponse await(String url, Duration timeout) throws InterruptedException;
}
