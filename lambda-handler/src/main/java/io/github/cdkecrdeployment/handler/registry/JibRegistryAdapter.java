package io.github.cdkecrdeployment.handler.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import io.github.cdkecrdeployment.handler.copy.Deadline;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one place that uses jib-core (pinned to 0.28.1): {@link RegistryConnector} and {@link
 * RegistryRepository} on jib's {@link RegistryClient}.
 *
 * <p>From jib-core: the auth handshake (anonymous and credentialed bearer tokens as Docker Hub
 * issues them, basic auth, token refresh, and for mounts a token that also grants pull on the
 * source repository). Every request then carries the {@code Authorization} jib-core negotiated over
 * transports added here, each for a measured reason:
 *
 * <ul>
 *   <li>manifest HEAD/GET/PUT over the JDK {@link HttpClient}, because jib-core parses manifests
 *       and drops their bytes;
 *   <li>blob HEADs over the same reused connections: jib-core's {@code checkBlob} opens a new TLS
 *       connection per request, measured 3-5x slower (61 HEADs: 0.5-1.1 s against 0.12-0.23 s);
 *   <li>blob bodies (GET, and the monolithic upload PUT) over {@link HttpURLConnection}, which
 *       reuses connections and writes straight to the socket: measured here about 1.5x the
 *       throughput of jib-core's {@code pushBlob} (a new connection per request, an extra SHA-256
 *       pass) and of the JDK HttpClient (see bench/README.md);
 *   <li>the cross-repository mount request and uploads whose digest is known only at the end.
 * </ul>
 *
 * <p>TLS: every transport uses the JVM's default trust ({@code -Djavax.net.ssl.trustStore=…}).
 * jib-core retries a failed TLS handshake for about a minute, so {@link #open} first checks the
 * certificate itself and fails at once with a message that says how to trust the CA. Only {@code
 * tlsVerify=false} (the command line's flag) turns verification off.
 *
 * <p>Every request is retried per {@link RequestRetry} within the deadline. A blob upload cannot be
 * replayed from a consumed stream, so its transient failures surface as {@link
 * RegistryException#isTransient()} for the caller to restart the blob from its HEAD.
 */
public final class JibRegistryAdapter implements RegistryConnector {
  /** User-Agent sent to registries. */
  public static final String USER_AGENT = "cdk-ecr-deployment-java";

  /** OCI index, OCI manifest, Docker manifest list, Docker v2s2: every type the engine copies. */
  public static final String ACCEPT =
      "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json,"
          + " application/vnd.docker.distribution.manifest.list.v2+json,"
          + " application/vnd.docker.distribution.manifest.v2+json";

  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  /** Bounds an upload whose length is unknown when no earlier deadline applies (command line). */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);

  private static final Duration TOKEN_MAX_AGE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Field AUTHORIZATION = authorizationField();

  private static final Duration BODY_READ_TIMEOUT = Duration.ofMinutes(5);

  private final RequestRetry retry;
  private final HttpClient verified;
  private final javax.net.ssl.SSLSocketFactory verifiedSockets;
  private volatile HttpClient unverified;

  /** An adapter with {@link RequestRetry#DEFAULT}. */
  public JibRegistryAdapter() {
    this(RequestRetry.DEFAULT);
  }

  /** An adapter with a given per-request retry. */
  public JibRegistryAdapter(RequestRetry retry) {
    this.retry = retry;
    this.verified = newHttpClient(null);
    try {
      this.verifiedSockets = SSLContext.getDefault().getSocketFactory();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no TLS", e);
    }
  }

  /**
   * The one trust-all context of {@code --*-tls-verify=false}, shared by both transports. A holder
   * class, so it is built only when that mode is first used.
   */
  private static final class TrustAll {
    static final SSLContext CONTEXT = trustAll();
    static final javax.net.ssl.SSLSocketFactory SOCKETS = CONTEXT.getSocketFactory();
  }

  /** Counts bytes read through it. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  private static HttpClient newHttpClient(SSLContext ssl) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            // HTTP/1.1: large uploads are not throttled by HTTP/2 flow-control windows.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            // The JVM's proxy properties (set from HTTPS_PROXY / NO_PROXY by the handler); direct
            // when none is set.
            .proxy(java.net.ProxySelector.getDefault())
            .connectTimeout(Duration.ofSeconds(30));
    if (ssl != null) {
      b.sslContext(ssl);
    }
    return b.build();
  }

  private HttpClient unverifiedClient() {
    HttpClient c = unverified;
    if (c == null) {
      synchronized (this) {
        if (unverified == null) {
          unverified = newHttpClient(TrustAll.CONTEXT);
        }
        c = unverified;
      }
    }
    return c;
  }

  @Override
  public RegistryRepository open(
      ImageReference reference,
      Credential credential,
      boolean push,
      boolean tlsVerify,
      Deadline deadline)
      throws IOException {
    Repository r = new Repository(reference, credential, push, tlsVerify, deadline);
    r.connect();
    return r;
  }

  private static Field authorizationField() {
    try {
      Field f = RegistryClient.class.getDeclaredField("authorization");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "jib-core's RegistryClient has no 'authorization' field: this adapter is written for"
              + " jib-core 0.28.1; use that version",
          e);
    }
  }

  /** Transports jib-core still holds open for a repository view of this adapter (for tests). */
  static int jibTransportsHeld(RegistryRepository repository) {
    return ((Repository) repository).jibHttp.getTransportsCreated().size();
  }

  /** The Authorization header value jib-core negotiated, or null before/without auth. */
  static String authorizationOf(RegistryClient client) {
    try {
      Object value = ((AtomicReference<?>) AUTHORIZATION.get(client)).get();
      return value == null ? null : value.toString();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Repository implements RegistryRepository {
    private final ImageReference reference;
    private final Credential credential;
    private final boolean push;
    private final boolean tlsVerify;
    private final Deadline deadline;
    private final FailoverHttpClient jibHttp;
    private final RegistryClient client;
    private final Map<String, Auth> mountClients = new ConcurrentHashMap<>();
    private final Auth auth;
    private volatile String scheme = "https";

    /** A jib client with the time its auth was negotiated. */
    private final class Auth {
      final RegistryClient client;
      final boolean pushScope;
      volatile long negotiatedAt;

      Auth(RegistryClient client, boolean pushScope) {
        this.client = client;
        this.pushScope = pushScope;
      }

      synchronized void negotiate() throws IOException {
        synchronized (jibHttp) {
          try {
            boolean bearer = pushScope ? client.doPushBearerAuth() : client.doPullBearerAuth();
            if (!bearer && credential != null) {
              client.configureBasicAuth();
            }
            negotiatedAt = System.nanoTime();
          } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
            throw translate(pushScope ? "push to " : "pull from ", repo(), e);
          } finally {
            releaseJibTransports();
          }
        }
      }

      /**
       * First negotiation, from the preflight's answer to {@code GET /v2/}: jib-core configures
       * basic auth, or (pull) fetches a token from the challenge it is given, without asking {@code
       * /v2/} again; a push token still goes through jib-core's full handshake.
       */
      synchronized void negotiateFrom(int status, String challenge) throws IOException {
        boolean bearer =
            status == 401 && challenge != null && challenge.regionMatches(true, 0, "Bearer", 0, 6);
        if (bearer && pushScope) {
          negotiate();
          return;
        }
        synchronized (jibHttp) {
          try {
            if (bearer) {
              client.authPullByWwwAuthenticate(challenge);
            } else if (credential != null) {
              client.configureBasicAuth();
            }
            negotiatedAt = System.nanoTime();
          } catch (com.google.cloud.tools.jib.api.RegistryException e) {
            throw translate(pushScope ? "push to " : "pull from ", repo(), e);
          } finally {
            releaseJibTransports();
          }
        }
      }

      /** Negotiates once (the first caller does it, the others wait); returns the header. */
      synchronized String ensureNegotiated() throws IOException {
        if (negotiatedAt == 0) {
          negotiate();
        }
        return header();
      }

      /** The header to send; renegotiates a bearer token that may be close to expiry. */
      synchronized String header() throws IOException {
        String h = authorizationOf(client);
        if (h != null
            && h.startsWith("Bearer ")
            && System.nanoTime() - negotiatedAt > TOKEN_MAX_AGE.toNanos()) {
          negotiate();
          h = authorizationOf(client);
        }
        return h;
      }
    }

    Repository(
        ImageReference reference,
        Credential credential,
        boolean push,
        boolean tlsVerify,
        Deadline deadline) {
      this.reference = reference;
      this.credential = credential;
      this.push = push;
      this.tlsVerify = tlsVerify;
      this.deadline = deadline;
      // tlsVerify=false lets jib fall back to unverified HTTPS and plain HTTP, as skopeo's flag
      // does.
      this.jibHttp = new FailoverHttpClient(!tlsVerify, false, event -> {});
      this.client = newClient(null);
      this.auth = new Auth(client, push);
    }

    /**
     * jib-core opens a transport (an HTTP client with its own connection pool) per request and
     * keeps every one until {@code shutDown}; only the auth handshake goes through it, so release
     * them after each. Callers hold the lock on {@code jibHttp}, so no other handshake is
     * mid-request.
     */
    private void releaseJibTransports() {
      try {
        jibHttp.shutDown();
      } catch (IOException | RuntimeException e) {
        // Best effort: what is left is closed when it is garbage-collected.
      }
    }

    private RegistryClient newClient(String mountSource) {
      RegistryClient.Factory f =
          mountSource == null
              ? RegistryClient.factory(
                  EventHandlers.NONE, reference.registry(), reference.repository(), jibHttp)
              : RegistryClient.factory(
                  EventHandlers.NONE,
                  reference.registry(),
                  reference.repository(),
                  mountSource,
                  jibHttp);
      if (credential != null) {
        f.setCredential(
            com.google.cloud.tools.jib.api.Credential.from(
                credential.username(), credential.password()));
      }
      return f.setUserAgent(USER_AGENT).newRegistryClient();
    }

    private String repo() {
      return reference.repositoryUri();
    }

    private HttpClient http() {
      return tlsVerify ? verified : unverifiedClient();
    }

    void connect() throws IOException {
      retry.run(
          "connect to " + reference.registry(),
          deadline,
          () -> {
            HttpResponse<Void> v2 = preflight();
            auth.negotiateFrom(
                v2.statusCode(), v2.headers().firstValue("WWW-Authenticate").orElse(null));
            return null;
          });
    }

    /** GET /v2/ once with the JDK client: a certificate problem fails here, at once. */
    private HttpResponse<Void> preflight() throws IOException {
      try {
        return send(
            "reach " + reference.registry(),
            () -> HttpRequest.newBuilder(url("/v2/")).GET(),
            HttpResponse.BodyHandlers.discarding(),
            false);
      } catch (RegistryException e) {
        if (!tlsVerify
            && RegistryException.TLS_CERTIFICATE.equals(e.errorCode())
            && scheme.equals("https")) {
          // Unverified mode also accepts a plain-HTTP registry (e.g. a local one on :5000).
          scheme = "http";
          return send(
              "reach " + reference.registry(),
              () -> HttpRequest.newBuilder(url("/v2/")).GET(),
              HttpResponse.BodyHandlers.discarding(),
              false);
        }
        throw e;
      }
    }

    private URI url(String path) {
      return URI.create(scheme + "://" + reference.registry() + path);
    }

    private String manifestPath(String ref) {
      return "/v2/" + reference.repository() + "/manifests/" + ref;
    }

    @Override
    public ImageReference reference() {
      return reference;
    }

    @Override
    public Optional<String> manifestDigest(String tagOrDigest) throws IOException {
      String what = "check " + repo() + ":" + tagOrDigest;
      return retried(
          what,
          () ->
              HttpRequest.newBuilder(url(manifestPath(tagOrDigest)))
                  .header("Accept", ACCEPT)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()),
          HttpResponse.BodyHandlers.discarding(),
          r -> {
            if (r.statusCode() == 404) {
              return Optional.<String>empty();
            }
            if (r.statusCode() != 200) {
              throw error(action(tagOrDigest), r.statusCode(), null, r.headers());
            }
            Optional<String> d = r.headers().firstValue("Docker-Content-Digest");
            if (d.isPresent()) {
              return d;
            }
            // Some registries omit the header on HEAD: hash the body instead.
            return Optional.of(pullManifest(tagOrDigest).digest());
          });
    }

    private String action(String ref) {
      String sep = ref.contains(":") ? "@" : ":";
      return (push ? "push to " : "pull from ") + repo() + sep + ref;
    }

    @Override
    public RawManifest pullManifest(String tagOrDigest) throws IOException {
      String what = "pull " + repo() + ":" + tagOrDigest;
      return retried(
          what,
          () ->
              HttpRequest.newBuilder(url(manifestPath(tagOrDigest))).header("Accept", ACCEPT).GET(),
          HttpResponse.BodyHandlers.ofByteArray(),
          r -> {
            if (r.statusCode() != 200) {
              throw error(action(tagOrDigest), r.statusCode(), r.body(), r.headers());
            }
            byte[] bytes = r.body();
            String digest = Digests.sha256(bytes);
            if (tagOrDigest.startsWith("sha256:") && !tagOrDigest.equals(digest)) {
              throw new RegistryException(
                  "manifest "
                      + repo()
                      + "@"
                      + tagOrDigest
                      + " has digest "
                      + digest
                      + " — the registry served other bytes; retry",
                  502,
                  "DIGEST_INVALID",
                  null);
            }
            String mediaType = mediaType(r.headers().firstValue("Content-Type").orElse(""), bytes);
            return new RawManifest(bytes, mediaType, digest);
          });
    }

    @Override
    public boolean hasBlob(String digest) throws IOException {
      String what = "check blob " + digest + " in " + repo();
      // A plain HEAD on the reused JDK connection: measured 3-5x faster than jib-core's
      // checkBlob, which opens a new TLS connection for every request.
      return retried(
          what,
          () ->
              HttpRequest.newBuilder(url("/v2/" + reference.repository() + "/blobs/" + digest))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()),
          HttpResponse.BodyHandlers.discarding(),
          r -> {
            int s = r.statusCode();
            if (s == 200 || s / 100 == 3) {
              // A redirect (to a storage URL) also means the registry has the blob.
              return true;
            }
            if (s == 404) {
              return false;
            }
            throw error(what, s, null, r.headers());
          });
    }

    @Override
    public InputStream openBlob(BlobDescriptor blob) throws IOException {
      String what = "pull blob " + blob.digest() + " from " + repo();
      return retry.run(
          what,
          deadline,
          () -> {
            URI uri = url("/v2/" + reference.repository() + "/blobs/" + blob.digest());
            boolean sameHost = true;
            for (int hop = 0; hop < 5; hop++) {
              HttpURLConnection c = bodyConnection(uri, "GET", sameHost ? auth.header() : null);
              int s = status(what, c);
              if (s == 200) {
                return bodyStream(what, c);
              }
              String location = c.getHeaderField("Location");
              byte[] body = drainError(c);
              if (s / 100 == 3 && location != null) {
                // Registries like ECR redirect blob GETs to pre-signed storage URLs: the
                // registry's Authorization must not follow to another host.
                URI next = uri.resolve(location);
                sameHost = sameHost && next.getAuthority().equals(uri.getAuthority());
                uri = next;
                continue;
              }
              if (s == 401 && hop == 0) {
                auth.negotiate();
              }
              throw error(what, s, body, c.getHeaderField("Retry-After"));
            }
            throw new RegistryException(
                what + ": too many redirects", 0, "TOO_MANY_REDIRECTS", null);
          });
    }

    @Override
    public boolean mountBlob(String digest, String fromRepository) throws IOException {
      String what = "mount blob " + digest + " from " + fromRepository + " into " + repo();
      Auth mountAuth =
          mountClients.computeIfAbsent(fromRepository, f -> new Auth(newClient(f), true));
      return retry.run(
          what,
          deadline,
          () -> {
            String header = mountAuth.ensureNegotiated();
            HttpRequest.Builder b =
                HttpRequest.newBuilder(
                        url(
                            "/v2/"
                                + reference.repository()
                                + "/blobs/uploads/?mount="
                                + enc(digest)
                                + "&from="
                                + enc(fromRepository)))
                    .timeout(min(REQUEST_TIMEOUT, deadline.remaining()))
                    .header("User-Agent", USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (header != null) {
              b.header("Authorization", header);
            }
            HttpResponse<byte[]> r =
                exchange(what, b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 201) {
              return true;
            }
            if (r.statusCode() == 202) {
              // The registry opened an upload instead; abandon it (it expires on its own).
              r.headers()
                  .firstValue("Location")
                  .ifPresent(
                      loc -> {
                        try {
                          HttpRequest.Builder d =
                              HttpRequest.newBuilder(url("/").resolve(loc))
                                  .timeout(Duration.ofSeconds(10))
                                  .DELETE();
                          if (header != null) {
                            d.header("Authorization", header);
                          }
                          http().send(d.build(), HttpResponse.BodyHandlers.discarding());
                        } catch (IOException e) {
                          // best effort: an abandoned upload session expires by itself
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      });
              return false;
            }
            throw error("push to " + repo(), r.statusCode(), r.body(), r.headers());
          });
    }

    @Override
    public void pushBlob(BlobDescriptor blob, InputStream content) throws IOException {
      String what = "push blob " + blob.digest() + " to " + repo();
      URI location = startUpload(what);
      String sep = location.getRawQuery() == null ? "?" : "&";
      URI put = URI.create(location + sep + "digest=" + enc(blob.digest()));
      // One monolithic PUT with the known length: the bytes go from the source stream to the
      // socket with no buffering beyond the copy buffer; the registry verifies the digest.
      HttpURLConnection c = bodyConnection(put, "PUT", auth.header());
      c.setFixedLengthStreamingMode(blob.size());
      c.setRequestProperty("Content-Type", "application/octet-stream");
      writeBody(what, c, content);
      int s = status(what, c);
      byte[] body = drainError(c);
      if (s / 100 != 2) {
        throw error(what, s, body, c.getHeaderField("Retry-After"));
      }
    }

    @Override
    public BlobDescriptor pushBlob(InputStream content) throws IOException {
      String what = "push blob to " + repo();
      URI location = startUpload(what);
      MessageDigest sha = Digests.newSha256();
      CountingStream counted = new CountingStream(new DigestInputStream(content, sha));
      // HttpURLConnection cannot send PATCH, so this (rarer) upload of a digest known only at the
      // end goes through the JDK HttpClient, chunked.
      String patchAuth = auth.header();
      HttpRequest.Builder patch =
          HttpRequest.newBuilder(location)
              // The whole upload happens before the answer, so it gets the deadline, not the
              // per-request timeout (and never unbounded: a stalled registry would hang the copy).
              .timeout(min(UPLOAD_TIMEOUT, deadline.remaining()))
              .header("User-Agent", USER_AGENT)
              .header("Content-Type", "application/octet-stream")
              .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> counted));
      if (patchAuth != null) {
        patch.header("Authorization", patchAuth);
      }
      HttpResponse<byte[]> pr =
          exchange(what, patch.build(), HttpResponse.BodyHandlers.ofByteArray());
      // 202 per the spec; ECR answers a (single) PATCH with 201, some registries with 204.
      int ps = pr.statusCode();
      if (ps != 202 && ps != 201 && ps != 204) {
        throw error(what, ps, pr.body(), pr.headers());
      }
      String next = pr.headers().firstValue("Location").orElse(location.toString());
      String digest = Digests.format(sha.digest());
      URI putUri = location.resolve(next);
      String sep = putUri.getRawQuery() == null ? "?" : "&";
      URI commit = URI.create(putUri + sep + "digest=" + enc(digest));
      String header = auth.header();
      HttpRequest.Builder put =
          HttpRequest.newBuilder(commit)
              .timeout(min(REQUEST_TIMEOUT, deadline.remaining()))
              .header("User-Agent", USER_AGENT)
              .PUT(HttpRequest.BodyPublishers.noBody());
      if (header != null) {
        put.header("Authorization", header);
      }
      HttpResponse<byte[]> cr =
          exchange(what, put.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (cr.statusCode() != 201) {
        throw error(what, cr.statusCode(), cr.body(), cr.headers());
      }
      return new BlobDescriptor(digest, counted.count);
    }

    /** POSTs a new upload session (retried) and returns its Location. */
    private URI startUpload(String what) throws IOException {
      RequestRetry.checkDeadline(what, deadline);
      HttpResponse<byte[]> post =
          retried(
              what,
              () ->
                  HttpRequest.newBuilder(url("/v2/" + reference.repository() + "/blobs/uploads/"))
                      .POST(HttpRequest.BodyPublishers.noBody()),
              HttpResponse.BodyHandlers.ofByteArray(),
              r -> {
                if (r.statusCode() != 202) {
                  throw error(what, r.statusCode(), r.body(), r.headers());
                }
                return r;
              });
      return uploadLocation(post);
    }

    /**
     * A connection of the blob-body transport: {@link HttpURLConnection}, which writes request
     * bodies straight to the socket and keeps connections alive between requests. Measured here it
     * moves blobs about 1.5x faster than jib-core's transport (a new connection per request) or the
     * JDK HttpClient (see bench/README.md).
     */
    private HttpURLConnection bodyConnection(URI uri, String method, String authorization)
        throws IOException {
      HttpURLConnection c;
      try {
        c = (HttpURLConnection) uri.toURL().openConnection();
      } catch (IllegalArgumentException e) {
        // Without the query: a redirect to pre-signed storage carries its signature there.
        throw new RegistryException(
            "bad location " + withoutQuery(uri) + " from " + reference.registry(), 502, null, e);
      }
      if (c instanceof HttpsURLConnection https) {
        if (tlsVerify) {
          https.setSSLSocketFactory(verifiedSockets);
        } else {
          https.setSSLSocketFactory(TrustAll.SOCKETS);
          https.setHostnameVerifier((host, session) -> true);
        }
      }
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout(30_000);
      c.setReadTimeout((int) BODY_READ_TIMEOUT.toMillis());
      c.setUseCaches(false);
      c.setRequestMethod(method);
      c.setRequestProperty("User-Agent", USER_AGENT);
      if (authorization != null) {
        c.setRequestProperty("Authorization", authorization);
      }
      if (!method.equals("GET")) {
        c.setDoOutput(true);
      }
      return c;
    }

    private void writeBody(String what, HttpURLConnection c, InputStream content)
        throws IOException {
      try (java.io.OutputStream out = c.getOutputStream()) {
        byte[] buf = new byte[128 * 1024];
        for (int n; (n = content.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
      } catch (SSLException e) {
        throw certificateError(e);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        c.disconnect();
        throw new RegistryException(what + " failed while sending: " + e + " — retry", 0, null, e);
      }
    }

    private int status(String what, HttpURLConnection c) throws IOException {
      try {
        return c.getResponseCode();
      } catch (SSLException e) {
        throw certificateError(e);
      } catch (java.net.SocketTimeoutException e) {
        throw new RegistryException(what + ": timed out — retry", 0, "TIMEOUT", e);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw transportError(what, e);
      }
    }

    private InputStream bodyStream(String what, HttpURLConnection c) throws IOException {
      try {
        return c.getInputStream();
      } catch (IOException e) {
        throw new RegistryException(what + " failed: " + e + " — retry", 0, null, e);
      }
    }

    private byte[] drainError(HttpURLConnection c) {
      try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
        return in == null ? new byte[0] : in.readNBytes(64 * 1024);
      } catch (IOException e) {
        return new byte[0];
      }
    }

    private URI uploadLocation(HttpResponse<?> r) throws RegistryException {
      String loc =
          r.headers()
              .firstValue("Location")
              .orElseThrow(
                  () ->
                      new RegistryException(
                          "push to " + repo() + ": the registry sent no upload Location — retry",
                          502,
                          "BLOB_UPLOAD_INVALID",
                          null));
      return r.request().uri().resolve(loc);
    }

    @Override
    public String pushManifest(RawManifest manifest, String tagOrDigest) throws IOException {
      String what = "push manifest " + repo() + ":" + tagOrDigest;
      return retried(
          what,
          () ->
              HttpRequest.newBuilder(url(manifestPath(tagOrDigest)))
                  .header("Content-Type", manifest.mediaType())
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes())),
          HttpResponse.BodyHandlers.ofByteArray(),
          r -> {
            if (r.statusCode() != 201 && r.statusCode() != 200) {
              throw error(action(tagOrDigest), r.statusCode(), r.body(), r.headers());
            }
            String d = r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
            if (!d.equals(manifest.digest())) {
              throw new RegistryException(
                  "push to "
                      + repo()
                      + ":"
                      + tagOrDigest
                      + ": the registry stored digest "
                      + d
                      + " but the manifest's bytes have "
                      + manifest.digest()
                      + " — the registry rewrote the manifest",
                  r.statusCode(),
                  "DIGEST_INVALID",
                  null);
            }
            return d;
          });
    }

    /**
     * Sends {@code request} with {@link #send} and hands the answer to {@code answer}, the whole
     * retried per {@link RequestRetry} within the deadline (so an answer rejected by {@code answer}
     * is retried too, when its error is retryable).
     */
    private <B, T> T retried(
        String what,
        Supplier<HttpRequest.Builder> request,
        HttpResponse.BodyHandler<B> handler,
        Answer<B, T> answer)
        throws IOException {
      return retry.run(what, deadline, () -> answer.read(send(what, request, handler, true)));
    }

    /**
     * Sends a request with the negotiated Authorization; on a 401 renegotiates once (a token may
     * have expired) and resends.
     */
    private <T> HttpResponse<T> send(
        String what,
        Supplier<HttpRequest.Builder> request,
        HttpResponse.BodyHandler<T> handler,
        boolean authenticate)
        throws IOException {
      for (int attempt = 0; ; attempt++) {
        HttpRequest.Builder b =
            request
                .get()
                .timeout(min(REQUEST_TIMEOUT, deadline.remaining()))
                .header("User-Agent", USER_AGENT);
        if (authenticate) {
          String h = auth.header();
          if (h != null) {
            b.header("Authorization", h);
          }
        }
        HttpResponse<T> r = exchange(what, b.build(), handler);
        if (r.statusCode() == 401 && authenticate && attempt == 0) {
          if (r.body() instanceof InputStream in) {
            in.close();
          }
          auth.negotiate();
          continue;
        }
        return r;
      }
    }

    private <T> HttpResponse<T> exchange(
        String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
      try {
        return http().send(request, handler);
      } catch (SSLException e) {
        throw certificateError(e);
      } catch (java.net.http.HttpTimeoutException e) {
        throw new RegistryException(what + ": timed out — retry", 0, "TIMEOUT", e);
      } catch (IOException e) {
        throw transportError(what, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException ie = new InterruptedIOException(what + " interrupted");
        ie.initCause(e);
        throw ie;
      }
    }

    /** No answer (reset, refused, ...): transient, unless a wrapped certificate problem. */
    private RegistryException transportError(String what, IOException e) {
      if (e.getCause() instanceof SSLException ssl) {
        return certificateError(ssl);
      }
      return new RegistryException(
          what + " failed: " + e + " — check that " + reference.registry() + " is reachable; retry",
          0,
          null,
          e);
    }

    private RegistryException certificateError(SSLException e) {
      return new RegistryException(
          "TLS certificate problem with "
              + reference.registry()
              + ": "
              + e.getMessage()
              + " — the certificate is not trusted by this JVM; add the registry's CA to a trust"
              + " store and run java with -Djavax.net.ssl.trustStore=<file>"
              + " -Djavax.net.ssl.trustStorePassword=<password> (command line only for a local"
              + " registry: --"
              + (push ? "dest" : "src")
              + "-tls-verify=false)",
          0,
          RegistryException.TLS_CERTIFICATE,
          e);
    }

    /** Turns a jib-core or I/O failure into a RegistryException with the fix. */
    private RegistryException translate(String verb, String image, Exception e) {
      if (e instanceof RegistryException r) {
        return r;
      }
      Throwable t = e;
      while (t != null) {
        if (t instanceof SSLException ssl) {
          return certificateError(ssl);
        }
        if (t instanceof InsecureRegistryException) {
          return certificateError(new SSLException(t.getMessage(), t.getCause()));
        }
        if (t instanceof RegistryUnauthorizedException
            || t instanceof RegistryCredentialsNotSentException) {
          return error(verb + image, 401, null, (String) null);
        }
        if (t instanceof ResponseException re) {
          // jib-core's response headers are google-http-client types, not on our compile path:
          // Retry-After is honoured on the raw requests; jib's calls back off by themselves.
          byte[] body =
              re.getContent() == null ? null : re.getContent().getBytes(StandardCharsets.UTF_8);
          return error(verb + image, re.getStatusCode(), body, (String) null);
        }
        t = t.getCause();
      }
      if (e instanceof RegistryAuthenticationFailedException) {
        return new RegistryException(
            "unauthorized: "
                + verb
                + image
                + " denied — the token service refused the"
                + " credential: "
                + e.getMessage()
                + "; "
                + credsFix(),
            401,
            "UNAUTHORIZED",
            e);
      }
      return new RegistryException(
          verb + image + " failed: " + e.getMessage() + " — retry", 0, null, e);
    }

    private String credsFix() {
      String prop = push ? "DestCreds (--dest-creds)" : "SrcCreds (--src-creds)";
      String access = push ? "push to" : "pull from";
      if (credential == null) {
        return "set " + prop + " to a credential allowed to " + access + " " + repo();
      }
      if (credential.issuer() != null) {
        // The token came from the caller's own AWS identity, not from the user: SrcCreds or
        // DestCreds are not what needs fixing.
        return "the token came from "
            + credential.issuer()
            + ", so the function's role (the AWS identity that asked for it) must be allowed to "
            + access
            + " "
            + repo()
            + ": grant it the ECR actions on the repository (addToPrincipalPolicy), check that the"
            + " repository exists and that its repository policy does not deny that identity";
      }
      return "check "
          + prop
          + ": user '"
          + credential.username()
          + "' must be allowed to "
          + access
          + " "
          + repo();
    }

    private RegistryException error(
        String action, int status, byte[] body, java.net.http.HttpHeaders headers) {
      return error(
          action,
          status,
          body,
          headers == null ? null : headers.firstValue("Retry-After").orElse(null));
    }

    private RegistryException error(String action, int status, byte[] body, String retryAfter) {
      String code = null;
      String message = null;
      if (body != null && body.length > 0) {
        try {
          JsonNode first = JSON.readTree(body).path("errors").path(0);
          code = first.path("code").isTextual() ? first.path("code").asText() : null;
          message = first.path("message").isTextual() ? first.path("message").asText() : null;
        } catch (IOException | RuntimeException ignored) {
          // not a registry error document: status alone has to do
        }
      }
      if (code == null) {
        code =
            switch (status) {
              case 401 -> "UNAUTHORIZED";
              case 403 -> "DENIED";
              case 404 -> "NOT_FOUND";
              case 429 -> "TOOMANYREQUESTS";
              default -> null;
            };
      }
      String fix;
      String outcome = "failed (HTTP " + status + (message != null ? ": " + message : "") + ")";
      if (status == 401 || status == 403) {
        outcome = "denied (HTTP " + status + ")";
        fix = credsFix();
      } else if ("MANIFEST_UNKNOWN".equals(code) || (status == 404 && action.contains(":"))) {
        outcome = "not found (HTTP 404)";
        fix = "check that the tag or digest exists in " + repo();
      } else if ("NAME_UNKNOWN".equals(code)) {
        outcome = "failed: repository not found (HTTP " + status + ")";
        fix = "check the repository name; ECR repositories must exist before a push";
      } else if (status == 429) {
        fix = "the registry is rate-limiting; retry later or raise RetryConfigs (--retry-attempts)";
      } else if (status >= 500 || status == 408) {
        fix = "the registry failed; retry or raise RetryConfigs (--retry-attempts)";
      } else {
        fix = "check the image reference and the registry's answer above";
      }
      String prefix = code != null ? code.toLowerCase(Locale.ROOT) + ": " : "";
      RegistryException e =
          new RegistryException(prefix + action + " " + outcome + " — " + fix, status, code, null);
      if (retryAfter != null && e.isTransient()) {
        Duration d = parseRetryAfter(retryAfter);
        if (d != null) {
          return new RequestRetry.RetryAfter(e, d);
        }
      }
      return e;
    }
  }

  private static Duration parseRetryAfter(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      try {
        java.time.ZonedDateTime at =
            java.time.ZonedDateTime.parse(
                value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (java.time.format.DateTimeParseException e2) {
        return null;
      }
    }
  }

  /**
   * The media type of a served manifest: the Content-Type when it is a manifest type, else the
   * manifest's own {@code mediaType} field, else inferred from its shape (OCI allows omitting it).
   */
  static String mediaType(String contentType, byte[] bytes) {
    String ct = contentType.split(";", 2)[0].trim();
    if (ct.startsWith("application/vnd.")) {
      return ct;
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node.path("mediaType").isTextual()) {
        return node.path("mediaType").asText();
      }
      if (node.has("manifests")) {
        return "application/vnd.oci.image.index.v1+json";
      }
      if (node.has("config")) {
        return "application/vnd.oci.image.manifest.v1+json";
      }
    } catch (IOException e) {
      // fall through: not JSON
    }
    return ct.isEmpty() ? "application/vnd.oci.image.manifest.v1+json" : ct;
  }

  private static Duration min(Duration a, Duration b) {
    Duration m = a.compareTo(b) <= 0 ? a : b;
    return m.isZero() || m.isNegative() ? Duration.ofMillis(1) : m;
  }

  /** A URI for messages: a pre-signed URL's query is a credential. */
  static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Reads a registry's answer to one request: returns the result, or throws to fail the attempt.
   *
   * @param <B> the answer's body type
   * @param <T> the result
   */
  @FunctionalInterface
  private interface Answer<B, T> {
    T read(HttpResponse<B> response) throws IOException;
  }

  /** Trust-all context for {@code --*-tls-verify=false} only (also skips host name checks). */
  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager tm =
          new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          };
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
