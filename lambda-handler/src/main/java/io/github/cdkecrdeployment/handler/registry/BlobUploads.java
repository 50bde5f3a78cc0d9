package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.DeadlineException;
import io.github.cdkecrdeployment.handler.common.Digests;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Blob uploads of one {@link HttpRepository} (<a
 * href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">spec</a>):
 * cross-repository mount, the monolithic PUT of a blob whose digest is known, and the PATCH + PUT
 * of one whose digest is computed while it streams. An upload cannot be replayed from a consumed
 * stream, so its failures are left to the caller, which restarts the blob from its HEAD.
 */
final class BlobUploads {
  /** Bounds an upload whose length is unknown when no earlier deadline applies (command line). */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);

  private final HttpRepository repo;

  BlobUploads(HttpRepository repo) {
    this.repo = repo;
  }

  private String repoUri() {
    return repo.reference().repositoryUri();
  }

  boolean mount(String digest, String fromRepository, JibAuthenticator mountAuth)
      throws IOException {
    String what = "mount blob " + digest + " from " + fromRepository + " into " + repoUri();
    return repo.retry()
        .run(
            what,
            repo.deadline(),
            () -> {
              mountAuth.ensureNegotiated();
              URI uri =
                  repo.url(
                      "/v2/"
                          + repo.reference().repository()
                          + "/blobs/uploads/?mount="
                          + HttpRepository.enc(digest)
                          + "&from="
                          + HttpRepository.enc(fromRepository));
              HttpRepository.Reply r = repo.send(what, "POST", uri, null, null, 65536, mountAuth);
              if (r.status() == 201) {
                return true;
              }
              if (r.status() == 202) {
                // The registry opened an upload instead; abandon it (it expires on its own).
                abandon(r.header("Location"), mountAuth);
                return false;
              }
              throw repo.failures()
                  .status("push to " + repoUri(), r.status(), r.body(), r.header("Retry-After"));
            });
  }

  private void abandon(String location, JibAuthenticator a) {
    if (location == null) {
      return;
    }
    try {
      HttpURLConnection d = repo.open(repo.url("/").resolve(location), "DELETE", a.header());
      try {
        d.getResponseCode();
        Transport.readBody(d, 65536);
      } finally {
        repo.release(d);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: an abandoned upload session expires by itself
    }
  }

  /** One monolithic PUT with the known length; the registry verifies the digest. */
  void pushKnown(BlobDescriptor blob, InputStream content) throws IOException {
    String what = "push blob " + blob.digest() + " to " + repoUri();
    URI location = start(what);
    String sep = location.getRawQuery() == null ? "?" : "&";
    URI put = URI.create(location + sep + "digest=" + HttpRepository.enc(blob.digest()));
    HttpURLConnection c = repo.open(put, "PUT", repo.auth().header());
    try {
      c.setFixedLengthStreamingMode(blob.size());
      c.setRequestProperty("Content-Type", "application/octet-stream");
      Transport.writeBody(c, content, repo.failures(), what);
      int s = Transport.status(c, repo.failures(), what);
      byte[] body = Transport.readBody(c, 65536);
      if (s / 100 != 2) {
        throw repo.failures().status(what, s, body, c.getHeaderField("Retry-After"));
      }
    } finally {
      repo.release(c);
    }
  }

  /** PATCH the stream (chunked), then PUT with the digest computed while it streamed. */
  BlobDescriptor pushUnknown(InputStream content) throws IOException {
    String what = "push blob to " + repoUri();
    URI location = start(what);
    MessageDigest sha = Digests.newSha256();
    Counting counted = new Counting(new DigestInputStream(content, sha));
    Duration left = repo.deadline().remaining();
    HttpResponse<byte[]> pr =
        repo.transport()
            .patch(
                location,
                repo.auth().header(),
                counted,
                // The whole upload happens before the answer: it gets the deadline, never
                // unbounded.
                left.compareTo(UPLOAD_TIMEOUT) < 0 ? max1ms(left) : UPLOAD_TIMEOUT,
                repo.tlsVerify(),
                repo.failures(),
                what);
    // 202 per the spec; ECR answers a (single) PATCH with 201, some registries with 204.
    int ps = pr.statusCode();
    if (ps != 202 && ps != 201 && ps != 204) {
      throw repo.failures()
          .status(what, ps, pr.body(), pr.headers().firstValue("Retry-After").orElse(null));
    }
    String next = pr.headers().firstValue("Location").orElse(location.toString());
    String digest = Digests.format(sha.digest());
    URI putUri = location.resolve(next);
    String sep = putUri.getRawQuery() == null ? "?" : "&";
    URI commit = URI.create(putUri + sep + "digest=" + HttpRepository.enc(digest));
    HttpRepository.Reply cr = repo.send(what, "PUT", commit, null, null, 65536, repo.auth());
    if (cr.status() != 201) {
      throw repo.failures().status(what, cr.status(), cr.body(), cr.header("Retry-After"));
    }
    return new BlobDescriptor(digest, counted.count);
  }

  /** POSTs a new upload session (retried) and returns its Location. */
  private URI start(String what) throws IOException {
    DeadlineException.check(repo.deadline(), what);
    return repo.retry()
        .run(
            what,
            repo.deadline(),
            () -> {
              URI uri = repo.url("/v2/" + repo.reference().repository() + "/blobs/uploads/");
              HttpRepository.Reply r = repo.send(what, "POST", uri, null, null, 65536, repo.auth());
              if (r.status() != 202) {
                throw repo.failures().status(what, r.status(), r.body(), r.header("Retry-After"));
              }
              String loc = r.header("Location");
              if (loc == null) {
                throw new RegistryException(
                    "push to " + repoUri() + ": the registry sent no upload Location — retry",
                    502,
                    "BLOB_UPLOAD_INVALID",
                    null);
              }
              return uri.resolve(loc);
            });
  }

  private static Duration max1ms(Duration d) {
    return d.isZero() || d.isNegative() ? Duration.ofMillis(1) : d;
  }

  /** Counts bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
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
}
