package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.util.Objects;

/** Where an image comes from: a registry ({@code docker://}) or an S3 archive ({@code s3://}). */
public sealed interface SourceLocation {

  /**
   * Parses {@code docker://REF} or {@code s3://bucket/key[:ref]}.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static SourceLocation parse(String uri) {
    Objects.requireNonNull(uri, "source");
    if (uri.startsWith("docker://")) {
      return new Docker(ImageReference.parse(uri.substring("docker://".length())));
    }
    if (uri.startsWith("s3://")) {
      String rest = uri.substring("s3://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException(
            "invalid S3 archive source '" + uri + "': use s3://bucket/key[:ref]");
      }
      String bucket = rest.substring(0, slash);
      String key = rest.substring(slash + 1);
      String ref = null;
      int colon = key.indexOf(':');
      if (colon >= 0) {
        ref = key.substring(colon + 1);
        key = key.substring(0, colon);
        if (ref.isEmpty() || key.isEmpty()) {
          throw new IllegalArgumentException(
              "invalid S3 archive source '" + uri + "': use s3://bucket/key[:ref]");
        }
      }
      return new S3(bucket, key, ref);
    }
    throw new IllegalArgumentException(
        "unsupported image source '"
            + uri
            + "': use docker://[registry/]repository[:tag|@digest] or s3://bucket/key[:ref]");
  }

  /**
   * A registry image.
   *
   * @param reference the image
   */
  record Docker(ImageReference reference) implements SourceLocation {
    @Override
    public String toString() {
      return "docker://" + reference;
    }
  }

  /**
   * A {@code docker save} or OCI-archive tarball in S3.
   *
   * @param bucket bucket name
   * @param key object key
   * @param ref RepoTag or {@code @N} selecting an image in the archive, or null
   */
  record S3(String bucket, String key, String ref) implements SourceLocation {
    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key + (ref != null ? ":" + ref : "");
    }
  }
}
