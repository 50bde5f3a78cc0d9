package io.github.cdkecrdeployment;

import io.github.cdkecrdeployment.internal.Validation;
import java.util.Objects;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.assets.Asset;

/**
 * An image archive stored in Amazon S3: a {@code docker save} tarball (legacy or OCI layout) or an
 * OCI archive, plain or gzip-compressed.
 *
 * <p>Its {@linkplain #getUri() URI} is {@code s3://BUCKET/KEY}, followed by {@code :REF} when a
 * reference is given. The reference picks one image of an archive that holds several: a {@code
 * RepoTags} entry such as {@code nginx:latest}, or {@code @N} for the N-th image (from 0).
 *
 * <p>Created with {@link #fromBucket(IBucket, String, String)} or {@link #fromAsset(Asset,
 * String)}, the name is typed: the handler's role may then read that one object only, instead of
 * {@code s3:GetObject} on every bucket.
 */
public class S3ArchiveName implements IImageName {
  private final String name;
  private String creds;
  private IBucket bucket;
  private String key;

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
    Validation.archiveName(p);
    this.name = ref == null || ref.isEmpty() ? p : p + ":" + ref;
    this.creds = creds;
  }

  /**
   * Names an archive that holds a single image, in a bucket of this app.
   *
   * @param bucket the bucket, created or imported
   * @param key the object key of the archive, e.g. {@code images/app.tar}
   * @return the typed archive name
   * @throws NullPointerException when an argument is null
   */
  public static S3ArchiveName fromBucket(final IBucket bucket, final String key) {
    return fromBucket(bucket, key, null);
  }

  /**
   * Names one image of an archive in a bucket of this app.
   *
   * @param bucket the bucket, created or imported
   * @param key the object key of the archive, e.g. {@code images/app.tar}
   * @param ref the image in the archive, e.g. {@code app:1} or {@code @0}; {@code null} or empty
   *     (the default) when the archive holds a single image
   * @return the typed archive name
   * @throws NullPointerException when {@code bucket} or {@code key} is null
   */
  public static S3ArchiveName fromBucket(final IBucket bucket, final String key, final String ref) {
    Objects.requireNonNull(bucket, "bucket must not be null: pass the bucket of the archive");
    Objects.requireNonNull(key, "key must not be null: pass the object key of the archive");
    S3ArchiveName n = new S3ArchiveName(bucket.getBucketName() + "/" + key, ref, null);
    n.bucket = bucket;
    n.key = key;
    return n;
  }

  /**
   * Names an archive shipped as a CDK file asset: a local {@code docker save} (or OCI archive)
   * tarball that the CDK uploads at deploy time, so no Docker is needed anywhere.
   *
   * <pre>{@code
   * Asset tarball = Asset.Builder.create(this, "Tarball").path("images/app.tar").build();
   * S3ArchiveName.fromAsset(tarball)
   * }</pre>
   *
   * @param asset a file asset (not a directory, which the CDK would zip)
   * @return the typed archive name
   * @throws NullPointerException when {@code asset} is null
   */
  public static S3ArchiveName fromAsset(final Asset asset) {
    return fromAsset(asset, null);
  }

  /**
   * Names one image of an archive shipped as a CDK file asset.
   *
   * @param asset a file asset (not a directory, which the CDK would zip)
   * @param ref the image in the archive, e.g. {@code app:1} or {@code @0}; {@code null} or empty
   *     (the default) when the archive holds a single image
   * @return the typed archive name
   * @throws NullPointerException when {@code asset} is null
   */
  public static S3ArchiveName fromAsset(final Asset asset, final String ref) {
    Objects.requireNonNull(asset, "asset must not be null: pass the file asset of the archive");
    return fromBucket(asset.getBucket(), asset.getS3ObjectKey(), ref);
  }

  /** The bucket of a typed name, or {@code null} for a name built from a string. */
  IBucket bucket() {
    return bucket;
  }

  /** The object key of a typed name, or {@code null}. */
  String key() {
    return key;
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
