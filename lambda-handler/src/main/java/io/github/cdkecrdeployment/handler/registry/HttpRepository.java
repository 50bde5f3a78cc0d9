package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One repository on one registry over the Docker Registry HTTP API V2 / OCI distribution spec (<a
 * href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">spec</a>): manifests
 * by tag or digest with their exact bytes, blob HEAD/GET, cross-repository mounts and uploads.
 * Every request carries the {@code Authorization} the {@link JibAuthenticator} negotiated (a 401
 * renegotiates once and resends: a token may expire mid-copy) and is retried per {@link
 * RequestRetry} within the deadline. Thread-safe.
 */
final class HttpRepository implements RegistryRepository {
  /** Manifests larger than this are refused (the distribution spec's own suggested limit). */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  static final int MAX_ERROR_BYTES = 64 * 1024;

  private final ImageReference reference;
  private final Credential credential;
  private final boolean push;
  private final boolean tlsVerify;
  private final Deadline deadline;
  private final Transport transport;
  private final RequestRetry retry;
  private final FailureClassifier failures;
  private final JibAuthenticator auth;
  private final Map<String, JibAuthenticator> mountAuth = new ConcurrentHashMap<>();
  private final Transport.Transfers transfers = new Transport.Transfers();
  private final BlobUploads uploads;
  private final ManifestCalls manifests;
  private volatile String scheme = "https";

  HttpRepository(
      ImageReference reference,
      Credential credential,
      boolean push,
      boolean tlsVerify,
      Deadline deadline,
      Transport transport,
      RequestRetry retry) {
    this.reference = reference;
    this.credential = credential;
    this.push = push;
    this.tlsVerify = tlsVerify;
    this.deadline = deadline;
    this.transport = transport;
    this.retry = retry;
    this.failures =
        new FailureClassifier(reference.registry(), reference.repositoryUri(), push, credential);
    this.auth = new JibAuthenticator(reference, credential, push, null, tlsVerify, failures);
    this.uploads = new BlobUploads(this);
    this.manifests = new ManifestCalls(this);
  }

  /** A reply that was read whole (a manifest, an error document or nothing). */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return Transport.header(headers, name);
    }
  }

  /** GET /v2/ and the first handshake; a certificate problem fails here, at once. */
  void connect() throws IOException {
    retry.run(
        "connect to " + reference.registry(),
        deadline,
        () -> {
          Reply v2;
          try {
            v2 = send("reach " + reference.registry(), "GET", url("/v2/"), null, null, 0, null);
          } catch (RegistryException e) {
            if (tlsVerify && scheme.equals("https") && isTlsFailure(e)) {
              // The very first handshake with this registry failed: a server that does not
              // speak TLS on this port, or drops it, fails the copy now, naming the registry.
              throw failures.handshake(e);
            }
            if (tlsVerify || !scheme.equals("https") || !isTlsFailure(e)) {
              throw e;
            }
            // Unverified mode also accepts a plain-HTTP registry (e.g. a local one on :5000),
            // asked anonymously, and never sends it a credential: over plain HTTP anyone on the
            // path could read it.
            scheme = "http";
            v2 = send("reach " + reference.registry(), "GET", url("/v2/"), null, null, 0, null);
            if (credential != null) {
              throw RegistryException.permanent(
                  reference.registry()
                      + " answers only plain HTTP, and credentials are never sent over plain"
                      + " HTTP; serve the registry over HTTPS, or copy from it anonymously",
                  "PLAIN_HTTP_REFUSED");
            }
          }
          auth.negotiateFrom(v2.status(), v2.header("WWW-Authenticate"));
          return null;
        });
  }

  /** A failed TLS handshake (e.g. a plain-HTTP server answering): unverified mode tries HTTP. */
  private static boolean isTlsFailure(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public ImageReference reference() {
    return reference;
  }

  @Override
  public Optional<String> manifestDigest(String tagOrDigest) throws IOException {
    return manifests.digest(tagOrDigest);
  }

  @Override
  public RawManifest pullManifest(String tagOrDigest) throws IOException {
    return manifests.pull(tagOrDigest);
  }

  @Override
  public boolean hasBlob(String digest) throws IOException {
    String what = "check blob " + digest + " in " + reference.repositoryUri();
    return retry.run(
        what,
        deadline,
        () -> {
          Reply r = send(what, "HEAD", blobUrl(digest), null);
          int s = r.status();
          if (s == 200 || s / 100 == 3) {
            // A redirect (to a storage URL) also means the registry has the blob.
            return true;
          }
          if (s == 404) {
            return false;
          }
          throw failures.status(what, s, null, r.header("Retry-After"));
        });
  }

  @Override
  public InputStream openBlob(BlobDescriptor blob) throws IOException {
    String what = "pull blob " + blob.digest() + " from " + reference.repositoryUri();
    return retry.run(
        what,
        deadline,
        () -> {
          URI uri = blobUrl(blob.digest());
          boolean sameHost = true;
          boolean renegotiated = false;
          for (int hop = 0; hop < 6; hop++) {
            HttpURLConnection c = open(uri, "GET", sameHost ? auth.header() : null);
            int s = Transport.status(c, failures, what);
            if (s == 200) {
              return new Transport.SourceStream(c, failures, what, this::release);
            }
            String location = c.getHeaderField("Location");
            byte[] body = Transport.readBody(c, MAX_ERROR_BYTES);
            transfers.remove(c);
            if (s / 100 == 3 && location != null) {
              // Registries like ECR redirect blob GETs to pre-signed storage URLs: the
              // registry's Authorization must not follow to another host.
              URI next = uri.resolve(location);
              sameHost = sameHost && next.getAuthority().equals(uri.getAuthority());
              uri = next;
              continue;
            }
            if (s == 401 && sameHost && !renegotiated) {
              // The token expired mid-copy: renegotiate and ask again with the new one.
              auth.negotiate();
              renegotiated = true;
              continue;
            }
            throw failures.status(what, s, body, c.getHeaderField("Retry-After"));
          }
          throw new RegistryException(what + ": too many redirects", 0, "TOO_MANY_REDIRECTS", null);
        });
  }

  @Override
  public boolean mountBlob(String digest, String fromRepository) throws IOException {
    JibAuthenticator a =
        mountAuth.computeIfAbsent(
            fromRepository,
            f -> new JibAuthenticator(reference, credential, true, f, tlsVerify, failures));
    return uploads.mount(digest, fromRepository, a);
  }

  @Override
  public void pushBlob(BlobDescriptor blob, InputStream content) throws IOException {
    uploads.pushKnown(blob, content);
  }

  @Override
  public BlobDescriptor pushBlob(InputStream content) throws IOException {
    return uploads.pushUnknown(content);
  }

  @Override
  public String pushManifest(RawManifest manifest, String tagOrDigest) throws IOException {
    return manifests.push(manifest, tagOrDigest);
  }

  @Override
  public void close() {
    transfers.abortAll();
  }

  // --- shared by BlobUploads ---

  Deadline deadline() {
    return deadline;
  }

  RequestRetry retry() {
    return retry;
  }

  FailureClassifier failures() {
    return failures;
  }

  JibAuthenticator auth() {
    return auth;
  }

  Transport transport() {
    return transport;
  }

  boolean tlsVerify() {
    return tlsVerify;
  }

  URI url(String path) {
    return URI.create(scheme + "://" + reference.registry() + path);
  }

  /** A tracked connection: {@link #close()} disconnects it if it is still in use. */
  HttpURLConnection open(URI uri, String method, String authorization) throws IOException {
    HttpURLConnection c = transport.open(uri, method, authorization, tlsVerify);
    // No wait for a byte outlasts the deadline: a read stalled at the deadline ends there, even
    // where closing the connection from another thread would wait for the blocked reader.
    long left = Math.max(1, deadline.remaining().toMillis());
    if (left < c.getReadTimeout()) {
      c.setReadTimeout((int) left);
    }
    if (left < c.getConnectTimeout()) {
      c.setConnectTimeout((int) left);
    }
    transfers.add(c);
    return c;
  }

  void release(HttpURLConnection c) {
    transfers.remove(c);
  }

  Reply send(String what, String method, URI uri, String accept) throws IOException {
    return send(what, method, uri, accept, null, MAX_ERROR_BYTES, auth);
  }

  /**
   * One request whose answer is read whole. With an authenticator, its header is sent and a 401
   * renegotiates once and resends.
   *
   * @param typeOrAccept Content-Type for a body, else the Accept header (or null)
   */
  Reply send(
      String what,
      String method,
      URI uri,
      String typeOrAccept,
      byte[] body,
      int limit,
      JibAuthenticator authenticator)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      String header = authenticator == null ? null : authenticator.header();
      HttpURLConnection c = open(uri, method, header);
      try {
        if (typeOrAccept != null) {
          c.setRequestProperty(body != null ? "Content-Type" : "Accept", typeOrAccept);
        }
        if (body != null || method.equals("POST") || method.equals("PUT")) {
          byte[] b = body == null ? new byte[0] : body;
          c.setFixedLengthStreamingMode(b.length);
          Transport.writeBody(c, new java.io.ByteArrayInputStream(b), failures, what);
        }
        int s = Transport.status(c, failures, what);
        byte[] answer = method.equals("HEAD") ? new byte[0] : Transport.readBody(c, limit);
        if (s == 401 && authenticator != null && attempt == 0) {
          authenticator.negotiate();
          continue;
        }
        return new Reply(s, c.getHeaderFields(), answer);
      } finally {
        release(c);
      }
    }
  }

  URI manifestUrl(String ref) {
    return url("/v2/" + reference.repository() + "/manifests/" + ref);
  }

  URI blobUrl(String digest) {
    return url("/v2/" + reference.repository() + "/blobs/" + digest);
  }

  String action(String ref) {
    String sep = ref.contains(":") ? "@" : ":";
    return (push ? "push to " : "pull from ") + reference.repositoryUri() + sep + ref;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
