package io.github.cdkecrdeployment.handler.cfn;

import io.github.cdkecrdeployment.handler.common.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * PUTs the response to the pre-signed {@code ResponseURL}, retrying transient failures (network
 * errors, 429, 5xx) with backoff. The URL is a bearer secret: it is never logged or quoted.
 */
public class ResponseSender {
  private final Log log;
  private final int attempts;
  private final Duration firstBackoff;
  private final Duration timeout;

  /**
   * Creates one.
   *
   * @param log for the outcome
   * @param attempts total attempts (production: 4)
   * @param firstBackoff delay before the second attempt, doubled each time (production: 0.5 s)
   * @param timeout connect and read timeout of each attempt (production: 5 s)
   */
  public ResponseSender(Log log, int attempts, Duration firstBackoff, Duration timeout) {
    this.log = log;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.timeout = timeout;
  }

  /**
   * The production sender: 4 attempts, 0.5 s first backoff, 5 s timeouts. Even when every attempt
   * times out it gives up within about 24 s, inside the 30 s the handler keeps back from the Lambda
   * timeout for answering.
   */
  public static ResponseSender standard(Log log) {
    return new ResponseSender(log, 4, Duration.ofMillis(500), Duration.ofSeconds(5));
  }

  /**
   * Sends the response.
   *
   * @throws IOException when every attempt failed (the message never contains the URL)
   */
  public void send(URI responseUrl, CfnResponse response) throws IOException {
    byte[] body = response.toJson();
    Duration backoff = firstBackoff;
    String last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        int status = put(responseUrl, body);
        if (status >= 200 && status < 300) {
          log.info(
              "sent "
                  + response.status()
                  + " response ("
                  + body.length
                  + " bytes) for request "
                  + response.requestId());
          return;
        }
        last = "HTTP " + status;
        if (status != 408 && status != 429 && status < 500) {
          // A 403 means the pre-signed URL expired or was altered; retrying cannot help.
          break;
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName();
      }
      log.warn("response attempt " + attempt + "/" + attempts + " failed: " + last);
      if (attempt < attempts) {
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new IOException(
        "could not send the response to CloudFormation's ResponseURL ("
            + last
            + "); the stack waits until CloudFormation's timeout");
  }

  private int put(URI url, byte[] body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
    try {
      c.setRequestMethod("PUT");
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setDoOutput(true);
      c.setInstanceFollowRedirects(false);
      // The URL is signed without a content type: any other value breaks the signature.
      c.setRequestProperty("Content-Type", "");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      return status;
    } finally {
      c.disconnect();
    }
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while retrying the response", e);
    }
  }
}
