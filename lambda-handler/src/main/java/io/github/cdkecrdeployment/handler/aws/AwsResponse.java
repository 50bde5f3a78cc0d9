package io.github.cdkecrdeployment.handler.aws;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An open response of a {@link SignedCall}: status, headers and the body, streamed. {@link
 * #close()} after reading it all keeps the connection for reuse; {@link #abort()} drops the
 * connection at once, also from another thread while a read is blocked on it.
 */
public final class AwsResponse implements Closeable {
  private final SdkHttpResponse response;
  private final InputStream body;
  private final ExecutableHttpRequest exchange;

  AwsResponse(SdkHttpResponse response, InputStream body, ExecutableHttpRequest exchange) {
    this.response = response;
    this.body = body != null ? body : InputStream.nullInputStream();
    this.exchange = exchange;
  }

  /** The HTTP status. */
  public int status() {
    return response.statusCode();
  }

  /** The first value of header {@code name} (case-insensitive), or null. */
  public String header(String name) {
    return response.firstMatchingHeader(name).orElse(null);
  }

  /** The body; empty when the response has none. */
  public InputStream body() {
    return body;
  }

  /** The first {@code max} bytes of the body (an error document), then closes the response. */
  byte[] readBody(int max) throws IOException {
    try (InputStream in = body) {
      return in.readNBytes(max);
    }
  }

  /** Drops the connection: a read blocked on it fails at once, and nothing is drained. */
  public void abort() {
    exchange.abort();
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
