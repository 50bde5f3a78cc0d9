package io.github.cdkecrdeployment.handler.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP for every registry request: {@link HttpURLConnection}, which keeps connections alive between
 * requests and writes request bodies straight to the socket (measured about 1.5x the throughput of
 * jib-core's transport and of the JDK {@link HttpClient}; see bench/README.md). One TLS context for
 * all connections: the JVM's default trust ({@code -Djavax.net.ssl.trustStore=…}); only the command
 * line's {@code --*-tls-verify=false} uses a trust-all context.
 *
 * <p>The one exception is the upload whose digest is known only after the body ({@code PATCH},
 * which {@link HttpURLConnection} cannot send): it goes over a JDK {@link HttpClient} made on first
 * use.
 *
 * <p>Connections in flight are tracked per {@link Transfers} so that a copy that is given up (its
 * deadline passed) can close the ones still blocked in socket reads.
 */
final class Transport {
  /** User-Agent sent to registries. */
  static final String USER_AGENT = "cdk-ecr-deployment-java";

  static {
    // Closing a response that is still being read (a copy given up at its deadline) must close
    // the socket. By default the JDK instead hands a connection with up to 512 KB unread to a
    // background cleaner that waits for the rest, so a stalled registry kept the connection open.
    // Bodies are always read to their end otherwise, so no connection that could be reused is lost.
    if (System.getProperty("http.KeepAlive.remainingData") == null) {
      System.setProperty("http.KeepAlive.remainingData", "0");
    }
  }

  /**
   * Connect and read timeouts.
   *
   * @param connect TCP + TLS connect
   * @param read longest silence while waiting for bytes of an answer or a body
   */
  record Timeouts(Duration connect, Duration read) {
    /** Production: 30 s to connect, 60 s of silence. */
    static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  private final Timeouts timeouts;
  private final SSLSocketFactory verified;
  private volatile HttpClient patchVerified;
  private volatile HttpClient patchUnverified;

  Transport(Timeouts timeouts) {
    this.timeouts = timeouts;
    try {
      this.verified = SSLContext.getDefault().getSocketFactory();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no TLS", e);
    }
  }

  Timeouts timeouts() {
    return timeouts;
  }

  /** The connections of one repository view; {@link #abortAll()} closes those still open. */
  static final class Transfers {
    private final Set<HttpURLConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean aborted;

    void add(HttpURLConnection c) throws IOException {
      if (aborted) {
        throw new java.io.InterruptedIOException("the copy was given up");
      }
      open.add(c);
    }

    void remove(HttpURLConnection c) {
      open.remove(c);
    }

    /** Closes every connection still in use; later requests fail at once. */
    void abortAll() {
      aborted = true;
      for (HttpURLConnection c : open) {
        c.disconnect();
      }
      open.clear();
    }
  }

  /**
   * A configured connection (not yet connected).
   *
   * @param authorization the header value, or null
   */
  HttpURLConnection open(URI uri, String method, String authorization, boolean tlsVerify)
      throws IOException {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
    } catch (IllegalArgumentException e) {
      // Without the query: a redirect to pre-signed storage carries its signature there.
      throw new RegistryException("bad location " + withoutQuery(uri), 502, null, e);
    }
    if (c instanceof HttpsURLConnection https) {
      if (tlsVerify) {
        https.setSSLSocketFactory(verified);
      } else {
        https.setSSLSocketFactory(UnverifiedTls.SOCKET_FACTORY);
        https.setHostnameVerifier(UnverifiedTls.ANY_HOST);
      }
    }
    c.setInstanceFollowRedirects(false);
    c.setConnectTimeout((int) timeouts.connect().toMillis());
    c.setReadTimeout((int) Math.max(1, timeouts.read().toMillis()));
    c.setUseCaches(false);
    c.setRequestMethod(method);
    c.setRequestProperty("User-Agent", USER_AGENT);
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    if (method.equals("PUT") || method.equals("POST")) {
      c.setDoOutput(true);
    }
    return c;
  }

  /**
   * Writes {@code content} as the request body. A failure reading {@code content} (the source side
   * of a copy) is rethrown as it is, so it is never mistaken for a failure of this registry.
   */
  static void writeBody(
      HttpURLConnection c, InputStream content, FailureClassifier failures, String what)
      throws IOException {
    SourceTracking source = new SourceTracking(content);
    try (OutputStream out = c.getOutputStream()) {
      source.transferTo(out);
    } catch (IOException e) {
      c.disconnect();
      if (source.failure != null) {
        throw source.failure;
      }
      throw failures.transport(what + " (while sending)", e);
    }
  }

  /** The response status; failures without an answer are classified. */
  static int status(HttpURLConnection c, FailureClassifier failures, String what)
      throws IOException {
    try {
      return c.getResponseCode();
    } catch (IOException e) {
      c.disconnect();
      throw failures.transport(what, e);
    }
  }

  /** Reads the (error or success) body up to {@code limit} bytes, then lets the connection go. */
  static byte[] readBody(HttpURLConnection c, int limit) {
    try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
      if (in == null) {
        return new byte[0];
      }
      byte[] b = in.readNBytes(limit);
      if (in.read() >= 0) {
        // Longer than wanted: do not drain an unknown amount to keep the connection.
        c.disconnect();
      }
      return b;
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /**
   * An upload of unknown length with PATCH (chunked) over the JDK client.
   *
   * @return the answer; its body is at most a registry error document
   */
  HttpResponse<byte[]> patch(
      URI location,
      String authorization,
      InputStream content,
      Duration timeout,
      boolean tlsVerify,
      FailureClassifier failures,
      String what)
      throws IOException {
    SourceTracking source = new SourceTracking(content);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(location)
            .timeout(timeout)
            .header("User-Agent", USER_AGENT)
            .header("Content-Type", "application/octet-stream")
            .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> source));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return patchClient(tlsVerify).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      if (source.failure != null) {
        throw source.failure;
      }
      throw failures.transport(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      java.io.InterruptedIOException ie = new java.io.InterruptedIOException(what + " interrupted");
      ie.initCause(e);
      throw ie;
    }
  }

  private HttpClient patchClient(boolean tlsVerify) {
    HttpClient c = tlsVerify ? patchVerified : patchUnverified;
    if (c == null) {
      synchronized (this) {
        c = tlsVerify ? patchVerified : patchUnverified;
        if (c == null) {
          HttpClient.Builder b =
              HttpClient.newBuilder()
                  // HTTP/1.1: large uploads are not throttled by HTTP/2 flow-control windows.
                  .version(HttpClient.Version.HTTP_1_1)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  // The JVM's proxy settings (from HTTPS_PROXY / NO_PROXY), as for every other
                  // request; direct when none is set.
                  .proxy(java.net.ProxySelector.getDefault())
                  .connectTimeout(timeouts.connect());
          if (!tlsVerify) {
            b.sslContext(UnverifiedTls.CONTEXT);
          }
          c = b.build();
          if (tlsVerify) {
            patchVerified = c;
          } else {
            patchUnverified = c;
          }
        }
      }
    }
    return c;
  }

  /** A URI for messages: a pre-signed URL's query is a credential. */
  static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** Remembers a failure of the wrapped (source) stream. */
  private static final class SourceTracking extends FilterInputStream {
    IOException failure;

    SourceTracking(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      byte[] buf = new byte[256 * 1024];
      long total = 0;
      for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
        out.write(buf, 0, n);
        total += n;
      }
      return total;
    }
  }

  /** Header lookup that ignores case, over {@link HttpURLConnection#getHeaderFields()}. */
  static String header(Map<String, java.util.List<String>> headers, String name) {
    for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  /**
   * A blob body being read: a failure mid-body is classified (a reset or a stall is transient) and
   * says it happened reading from this registry, not writing to the destination.
   */
  static final class SourceStream extends FilterInputStream {
    private final HttpURLConnection connection;
    private final FailureClassifier failures;
    private final String what;
    private final java.util.function.Consumer<HttpURLConnection> release;

    SourceStream(
        HttpURLConnection connection,
        FailureClassifier failures,
        String what,
        java.util.function.Consumer<HttpURLConnection> release)
        throws IOException {
      super(connection.getInputStream());
      this.connection = connection;
      this.failures = failures;
      this.what = what;
      this.release = release;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw failed(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw failed(e);
      }
    }

    private IOException failed(IOException e) {
      connection.disconnect();
      return failures.transport(what + " (while reading the body)", e);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        release.accept(connection);
      }
    }
  }
}
