package io.github.cdkecrdeployment;

/**
 * An image to copy from or to: a URI in the form the copy handler understands, plus optional
 * registry credentials.
 *
 * <p>Use {@link DockerImageName} for an image in a registry and {@link S3ArchiveName} for an image
 * archive stored in Amazon S3.
 */
public interface IImageName {

  /**
   * The URI of the image, with its transport prefix: {@code docker://REF} for an image in a
   * registry, {@code s3://BUCKET/KEY[:REF]} for an archive in Amazon S3.
   *
   * @return the URI of the image, never {@code null}
   */
  String getUri();

  /**
   * The credentials used to read or write this image.
   *
   * <p>Either {@code user:password}, or the name or ARN of an AWS Secrets Manager secret whose
   * value is {@code user:password} or the JSON {@code
   * {"username":"<user>","password":"<password>"}}. Amazon ECR and Amazon ECR Public need no
   * credentials: the handler authenticates with its role.
   *
   * @return the credentials, or {@code null} (the default) for ECR, ECR Public or anonymous access
   */
  default String getCreds() {
    return null;
  }

  /**
   * Sets the credentials used to read or write this image; see {@link #getCreds()} for the formats.
   *
   * @param creds the credentials, or {@code null} for ECR, ECR Public or anonymous access
   * @throws UnsupportedOperationException when this implementation does not support changing its
   *     credentials (the default)
   */
  default void setCreds(final String creds) {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " does not support setCreds: pass the credentials to its constructor");
  }
}
