package io.github.cdkecrdeployment.handler.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in for CloudFormation's pre-signed S3 response URL: an HTTP server on 127.0.0.1 that
 * records every request's method, path with query, headers and exact body. Can be told to fail the
 * first requests (to test retries). Register with {@code @RegisterExtension}; one server per test.
 */
public final class ResponseUrlServer implements BeforeEachCallback, AfterEachCallback {
  /**
   * One recorded request.
   *
   * @param method HTTP method
   * @param pathAndQuery raw path and query
   * @param headers headers, names lower-cased, first value each
   * @param body exact body bytes
   */
  public record Request(
      String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
    /** The body as UTF-8. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final List<Request> requests = new ArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 500;
  private LoopbackHttpServer server;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop();
  }

  /** Starts the server on an ephemeral port. */
  public void start() throws IOException {
    server =
        LoopbackHttpServer.start(
            1,
            exchange -> {
              byte[] body;
              try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
              }
              Map<String, String> headers = new TreeMap<>();
              exchange
                  .getRequestHeaders()
                  .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
              synchronized (requests) {
                requests.add(
                    new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() != null
                                ? "?" + exchange.getRequestURI().getRawQuery()
                                : ""),
                        headers,
                        body));
              }
              int status = failuresLeft.getAndDecrement() > 0 ? failureStatus : 200;
              exchange.sendResponseHeaders(status, -1);
              exchange.close();
            });
  }

  /** Stops the server. */
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** A URL on this server shaped like a pre-signed S3 URL (its query is the "signature"). */
  public URI url() {
    return URI.create(
        "http://127.0.0.1:"
            + server.port()
            + "/cloudformation-custom-resource-response-useast1/arn%3Aaws%3Acloudformation"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5ec12e7a11ed0ff5ec12e7a11ed0ff");
  }

  /** Answers the next {@code count} requests with {@code status}. */
  public void failNext(int count, int status) {
    this.failureStatus = status;
    failuresLeft.set(count);
  }

  /** Forgets the requests recorded so far. */
  public void clear() {
    synchronized (requests) {
      requests.clear();
    }
  }

  /** Every request so far. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }
}
