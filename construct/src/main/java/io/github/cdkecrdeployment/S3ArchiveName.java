package io.github.cdkecrdeployment;

import java.util.Objects;

/**
 * An image archive stored in Amazon S3: a {@code docker save} tarball (legacy or OCI layout) or an
 * OCI archive, plain or gzip-compressed.
 *
 * <p>Its {@linkplain #getUri() URI} is {@code s3://BUCKET/KEY}, followed by {@code :REF} when a
 * reference is given. The reference picks one image of an archive that holds several: a {@code
 * RepoTags} entry such as {@code nginx:latest}, or {@code @N} for the N-th image (from 0).
 */
public class S3ArchiveName implements IImageName {
  private final String name;
  private String creds;

  /**
   * Creates the name of an archive that holds a single image.
   *
   * @param p the bucket and key of the archive, an S3 URI without {@code s3://}, e.g. {@code
   *     my-bucket/images/nginx.tar}
   */
  public S3ArchiveName(final String p) {
    this(p, null, null);
  }

  /**
   * Creates the name of one image in an archive.
   *
   * @param p the bucket and key of the archive, an S3 URI without {@code s3://}
   * @param ref the image in the archive, appended after a {@code :}, e.g. {@code nginx:latest};
   *     {@code null} or empty (the default) when the archive holds a single image
   */
  public S3ArchiveName(final String p, final String ref) {
    this(p, ref, null);
  }

  /**
   * Creates the name of one image in an archive, with credentials.
   *
   * @param p the bucket and key of the archive, an S3 URI without {@code s3://}
   * @param ref the image in the archive, appended after a {@code :}; {@code null} or empty (the
   *     default) when the archive holds a single image
   * @param creds credentials, as for {@link DockerImageName#DockerImageName(String, String)};
   *     {@code null} (the default) for none. The archive itself is read with the handler's role.
   */
  public S3ArchiveName(final String p, final String ref, final String creds) {
    Objects.requireNonNull(
        p, "p must not be null: pass the bucket and key of the archive, e.g. \"bucket/image.tar\"");
    this.name = ref == null || ref.isEmpty() ? p : p + ":" + ref;
    this.creds = creds;
  }

  /**
   * The URI of the archive.
   *
   * @return {@code s3://BUCKET/KEY} or {@code s3://BUCKET/KEY:REF}
   */
  @Override
  public String getUri() {
    return "s3://" + name;
  }

  /**
   * The credentials of the image.
   *
   * @return the credentials, or {@code null} (the default)
   */
  @Override
  public String getCreds() {
    return creds;
  }

  /**
   * Sets the credentials of the image.
   *
   * @param creds {@code user:password} or a Secrets Manager secret name or ARN; {@code null} for
   *     none
   */
  @Override
  public void setCreds(final String creds) {
    this.creds = creds;
  }

  /** Returns the URI; the credentials are never part of it. */
  @Override
  public String toString() {
    return getUri();
  }
}
