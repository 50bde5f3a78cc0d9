package io.github.cdkecrdeployment;

import io.github.cdkecrdeployment.internal.Validation;
import java.util.Objects;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * An image in a container registry, for example {@code nginx:latest}, {@code ghcr.io/owner/app:1.2}
 * or the {@code imageUri} of a {@code DockerImageAsset}.
 *
 * <p>Its {@linkplain #getUri() URI} is {@code docker://} followed by the name. Short Docker Hub
 * names ({@code nginx}) mean {@code docker.io/library/nginx}; a name without a tag means {@code
 * :latest}.
 */
public class DockerImageName implements IImageName {
  private final String name;
  private String creds;
  private ISecret secret;

  /**
   * Creates an image name without credentials (ECR, ECR Public and anonymous access).
   *
   * @param name the image reference, e.g. {@code nginx:latest} or {@code
   *     123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag}; may be a CDK token
   */
  public DockerImageName(final String name) {
    this(name, (String) null);
  }

  /**
   * Creates an image name with credentials.
   *
   * @param name the image reference, e.g. {@code nginx:latest}; may be a CDK token
   * @param creds {@code user:password}, or the name or ARN of an AWS Secrets Manager secret whose
   *     value is {@code user:password} or {@code {"username":"<user>","password":"<password>"}};
   *     {@code null} (the default) for ECR, ECR Public or anonymous access
   */
  public DockerImageName(final String name, final String creds) {
    this.name =
        Objects.requireNonNull(
            name, "name must not be null: pass an image reference such as \"nginx:latest\"");
    Validation.imageName(name);
    this.creds = creds;
  }

  /**
   * Creates an image name whose credentials are in an AWS Secrets Manager secret. The secret's
   * value is {@code user:password} or {@code {"username":"<user>","password":"<password>"}}; the
   * custom resource gets the secret's ARN (never its value), and the handler's role is granted read
   * on the secret (and decrypt on its KMS key, when it has one).
   *
   * @param name the image reference, e.g. {@code ghcr.io/owner/app:1.2}; may be a CDK token
   * @param creds the secret holding the credentials
   * @throws NullPointerException when an argument is null
   */
  public DockerImageName(final String name, final ISecret creds) {
    this(
        name,
        Objects.requireNonNull(
                creds, "creds must not be null: pass the secret, or use DockerImageName(name)")
            .getSecretArn());
    this.secret = creds;
  }

  /** The secret given to the constructor, or {@code null}; the deployment grants read on it. */
  ISecret secret() {
    return secret;
  }

  /**
   * The URI of the image: {@code docker://} followed by the name given to the constructor.
   *
   * @return {@code docker://NAME}
   */
  @Override
  public String getUri() {
    return "docker://" + name;
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
    // The credentials no longer come from the secret given to the constructor.
    this.secret = null;
  }

  /** Returns the URI; the credentials are never part of it. */
  @Override
  public String toString() {
    return getUri();
  }
}
