package io.github.cdkecrdeployment.integ.e2e;

import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a function's custom resource responses arrive: a local stand-in for the pre-signed S3 URL.
 * Finds responses among everything the response URL server recorded, by their RequestId.
 */
public final class ResponseSink {
  private final ResponseUrlServer server;

  /** Responses recorded by {@code server}. */
  public ResponseSink(ResponseUrlServer server) {
    this.server = server;
  }

  /** A response URL for one request. */
  public String newUrl() {
    return server.url().toString();
  }

  /**
   * The response to request {@code requestId}, waiting up to {@code timeout}; null when none
   * arrived.
   *
   * @throws AssertionError when more than one response to that request arrived
   */
  public CfnResponse await(String requestId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<ResponseUrlServer.Request> mine = List.of();
    while (System.nanoTime() < end) {
      mine = responsesTo(requestId);
      if (!mine.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    }
    if (mine.isEmpty()) {
      return null;
    }
    // A second response would be a bug; give it a moment to show up.
    Thread.sleep(100);
    mine = responsesTo(requestId);
    if (mine.size() != 1) {
      throw new AssertionError(mine.size() + " responses to request " + requestId);
    }
    ResponseUrlServer.Request r = mine.get(0);
    if (!r.method().equals("PUT")) {
      throw new AssertionError("the response must be a PUT, was " + r.method());
    }
    String contentType = r.headers().getOrDefault("content-type", "");
    if (!contentType.isEmpty()) {
      // The pre-signed URL is signed for an empty Content-Type; anything else is rejected by S3.
      throw new AssertionError("the response must have an empty Content-Type, was " + contentType);
    }
    return CfnResponse.parse(r.bodyText(), Instant.now());
  }

  private List<ResponseUrlServer.Request> responsesTo(String requestId) {
    return server.requests().stream()
        .filter(r -> r.bodyText().contains("\"RequestId\":\"" + requestId + "\""))
        .toList();
  }
}
