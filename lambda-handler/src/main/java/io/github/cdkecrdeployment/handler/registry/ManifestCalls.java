package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Digests;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import java.io.IOException;
import java.util.Optional;

/**
 * Manifest requests of one {@link HttpRepository}: HEAD for the digest at a tag, GET of the exact
 * bytes (checked against the digest asked for and the one the registry says it served, at most 4
 * MiB), and PUT of exact bytes under a tag or digest.
 */
final class ManifestCalls {
  private final HttpRepository repo;

  ManifestCalls(HttpRepository repo) {
    this.repo = repo;
  }

  Optional<String> digest(String tagOrDigest) throws IOException {
    String what = "check " + repo.reference().repositoryUri() + ":" + tagOrDigest;
    return repo.retry()
        .run(
            what,
            repo.deadline(),
            () -> {
              HttpRepository.Reply r =
                  repo.send(
                      what, "HEAD", repo.manifestUrl(tagOrDigest), MediaTypes.ACCEPT_MANIFESTS);
              if (r.status() == 404) {
                return Optional.<String>empty();
              }
              if (r.status() != 200) {
                throw repo.failures()
                    .status(repo.action(tagOrDigest), r.status(), null, r.header("Retry-After"));
              }
              String d = r.header("Docker-Content-Digest");
              // Some registries omit the header on HEAD: hash the body instead.
              return Optional.of(d != null ? d : pull(tagOrDigest).digest());
            });
  }

  RawManifest pull(String tagOrDigest) throws IOException {
    String what = "pull " + repo.reference().repositoryUri() + ":" + tagOrDigest;
    return repo.retry()
        .run(
            what,
            repo.deadline(),
            () -> {
              HttpRepository.Reply r =
                  repo.send(
                      what,
                      "GET",
                      repo.manifestUrl(tagOrDigest),
                      MediaTypes.ACCEPT_MANIFESTS,
                      null,
                      HttpRepository.MAX_MANIFEST_BYTES + 1,
                      repo.auth());
              if (r.status() != 200) {
                throw repo.failures()
                    .status(
                        repo.action(tagOrDigest), r.status(), r.body(), r.header("Retry-After"));
              }
              byte[] bytes = r.body();
              if (bytes.length > HttpRepository.MAX_MANIFEST_BYTES) {
                throw RegistryException.permanent(
                    "manifest "
                        + repo.reference().repositoryUri()
                        + ":"
                        + tagOrDigest
                        + " is larger than 4 MiB, which registries do not accept; it is not an image"
                        + " manifest this handler can copy",
                    "MANIFEST_INVALID");
              }
              String digest = Digests.sha256(bytes);
              String served = r.header("Docker-Content-Digest");
              if (served != null && served.startsWith("sha256:") && !served.equals(digest)) {
                throw new RegistryException(
                    "manifest "
                        + repo.reference().repositoryUri()
                        + ":"
                        + tagOrDigest
                        + " was served as "
                        + served
                        + " but its bytes have digest "
                        + digest
                        + " — the registry or something between sent other bytes; retry",
                    502,
                    "DIGEST_INVALID",
                    null);
              }
              if (tagOrDigest.startsWith("sha256:") && !tagOrDigest.equals(digest)) {
                throw new RegistryException(
                    "manifest "
                        + repo.reference().repositoryUri()
                        + "@"
                        + tagOrDigest
                        + " has digest "
                        + digest
                        + " — the registry served other bytes; retry",
                    502,
                    "DIGEST_INVALID",
                    null);
              }
              String type = ManifestTypes.of(r.header("Content-Type"), bytes);
              return new RawManifest(bytes, type, digest);
            });
  }

  String push(RawManifest manifest, String tagOrDigest) throws IOException {
    String what = "push manifest " + repo.reference().repositoryUri() + ":" + tagOrDigest;
    return repo.retry()
        .run(
            what,
            repo.deadline(),
            () -> {
              HttpRepository.Reply r =
                  repo.send(
                      what,
                      "PUT",
                      repo.manifestUrl(tagOrDigest),
                      manifest.mediaType(),
                      manifest.bytes(),
                      HttpRepository.MAX_ERROR_BYTES,
                      repo.auth());
              if (r.status() != 201 && r.status() != 200) {
                throw repo.failures()
                    .status(
                        repo.action(tagOrDigest), r.status(), r.body(), r.header("Retry-After"));
              }
              String d = r.header("Docker-Content-Digest");
              if (d != null && !d.equals(manifest.digest())) {
                throw new RegistryException(
                    "push to "
                        + repo.reference().repositoryUri()
                        + ":"
                        + tagOrDigest
                        + ": the registry stored digest "
                        + d
                        + " but the manifest's bytes have "
                        + manifest.digest()
                        + " — the registry rewrote the manifest",
                    r.status(),
                    "DIGEST_INVALID",
                    null);
              }
              return manifest.digest();
            });
  }
}
