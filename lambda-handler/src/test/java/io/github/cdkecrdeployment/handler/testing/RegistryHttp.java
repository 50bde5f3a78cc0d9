package io.github.cdkecrdeployment.handler.testing;

import io.github.cdkecrdeployment.handler.registry.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A deliberately independent registry client for tests: plain {@link HttpClient} code, used to push
 * generated images and to read what a copy produced, so tests never check the code under test with
 * itself. Handles Basic auth and the Bearer token handshake.
 */
public final class RegistryHttp {
  /** Accept header listing every manifest type. */
  public static final String ACCEPT_ALL =
      String.join(
          ", ",
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_LIST,
          MediaTypes.DOCKER_MANIFEST);

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final String baseUrl;
  private final HttpClient client;
  private final Credential credential;
  private final Map<String, String> authByRepo = new ConcurrentHashMap<>();

  /**
   * @param baseUrl {@code https://host:port}
   * @param ssl trust for the registry
   * @param credential credential or null
   */
  public RegistryHttp(String baseUrl, SSLContext ssl, Credential credential) {
    this.baseUrl = baseUrl;
    this.client =
        HttpClient.newBuilder()
            .sslContext(ssl)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.credential = credential;
  }

  /**
   * A manifest as served.
   *
   * @param bytes body
   * @param mediaType Content-Type
   * @param digest Docker-Content-Digest header
   */
  public record Served(byte[] bytes, String mediaType, String digest) {}

  /** GETs a manifest; null when 404. */
  public Served getManifest(String repo, String ref) throws IOException {
    HttpResponse<byte[]> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + ref))
                    .header("Accept", ACCEPT_ALL)
                    .GET(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      return null;
    }
    check(r, "GET manifest " + repo + ":" + ref);
    return new Served(
        r.body(),
        r.headers().firstValue("Content-Type").orElse(""),
        r.headers().firstValue("Docker-Content-Digest").orElse(null));
  }

  /** HEADs a manifest; returns its digest or null when absent. */
  public String manifestDigest(String repo, String ref) throws IOException {
    HttpResponse<Void> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + ref))
                    .header("Accept", ACCEPT_ALL)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 404) {
      return null;
    }
    check(r, "HEAD manifest " + repo + ":" + ref);
    return r.headers().firstValue("Docker-Content-Digest").orElse(null);
  }

  /** True when the blob exists in the repository. */
  public boolean hasBlob(String repo, String digest) throws IOException {
    HttpResponse<Void> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 404) {
      return false;
    }
    check(r, "HEAD blob " + digest);
    return true;
  }

  /** GETs a whole blob into memory (small blobs only). */
  public byte[] getBlob(String repo, String digest) throws IOException {
    HttpResponse<byte[]> r =
        send(
            repo,
            () -> HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + digest)).GET(),
            HttpResponse.BodyHandlers.ofByteArray());
    check(r, "GET blob " + digest);
    return r.body();
  }

  /**
   * Uploads a blob monolithically (POST then PUT with the body), streaming from {@code content}.
   * Skips it when already present.
   */
  public void pushBlob(String repo, String digest, long size, Supplier<InputStream> content)
      throws IOException {
    if (hasBlob(repo, digest)) {
      return;
    }
    HttpResponse<Void> post =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    check(post, "POST upload " + digest);
    String location = post.headers().firstValue("Location").orElseThrow();
    URI put = URI.create(baseUrl).resolve(location);
    String sep = put.getRawQuery() == null ? "?" : "&";
    URI target =
        URI.create(put + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    HttpResponse<byte[]> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(
                        HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(content), size)),
            HttpResponse.BodyHandlers.ofByteArray());
    check(r, "PUT blob " + digest);
  }

  /** PUTs a manifest's bytes; returns the registry's digest. */
  public String putManifest(String repo, String ref, byte[] bytes, String mediaType)
      throws IOException {
    HttpResponse<byte[]> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + ref))
                    .header("Content-Type", mediaType)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
            HttpResponse.BodyHandlers.ofByteArray());
    check(r, "PUT manifest " + repo + ":" + ref);
    return r.headers().firstValue("Docker-Content-Digest").orElse(null);
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private <T> HttpResponse<T> send(
      String repo, Supplier<HttpRequest.Builder> request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      for (int attempt = 0; ; attempt++) {
        HttpRequest.Builder b = request.get().timeout(Duration.ofMinutes(10));
        String auth = authByRepo.get(repo);
        if (auth != null) {
          b.header("Authorization", auth);
        }
        HttpResponse<T> r = client.send(b.build(), handler);
        if (r.statusCode() != 401 || attempt > 0) {
          return r;
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        authByRepo.put(repo, authorize(challenge, repo));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private String authorize(String challenge, String repo) throws IOException, InterruptedException {
    String basic =
        credential == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (credential.username() + ":" + credential.password())
                            .getBytes(StandardCharsets.UTF_8));
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      if (basic == null) {
        throw new IOException("registry wants basic auth and no credential was given");
      }
      return basic;
    }
    if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      throw new IOException("unexpected challenge: " + challenge);
    }
    Matcher m = PARAM.matcher(challenge);
    String realm = null;
    String service = null;
    while (m.find()) {
      if (m.group(1).equals("realm")) {
        realm = m.group(2);
      } else if (m.group(1).equals("service")) {
        service = m.group(2);
      }
    }
    String scope = "repository:" + repo + ":pull" + (credential != null ? ",push" : "");
    URI tokenUri =
        URI.create(
            realm
                + "?service="
                + URLEncoder.encode(service == null ? "" : service, StandardCharsets.UTF_8)
                + "&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET();
    if (basic != null) {
      b.header("Authorization", basic);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("token request failed: " + r.statusCode() + " " + r.body());
    }
    Matcher t = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    if (!t.find()) {
      throw new IOException("no token in " + r.body());
    }
    return "Bearer " + t.group(1);
  }

  private static void check(HttpResponse<?> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      Object body = r.body();
      String text =
          body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(body);
      throw new IOException(what + " failed: HTTP " + r.statusCode() + " " + text);
    }
  }
}
