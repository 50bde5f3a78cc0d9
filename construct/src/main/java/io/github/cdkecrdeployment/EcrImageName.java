package io.github.cdkecrdeployment;

import java.util.Objects;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.ecr.IRepository;

/**
 * An image in an Amazon ECR repository of this CDK app (created or imported), by tag or digest.
 *
 * <p>Its {@linkplain #getUri() URI} is {@code docker://<repositoryUri>:<tag>} or {@code
 * docker://<repositoryUri>@<digest>}. Being typed, it lets the deployment grant exactly what it
 * needs: as {@code dest}, push on this repository only (plus {@code ecr:GetAuthorizationToken},
 * which has no resource), and the custom resource depends on the repository so the copy never races
 * its creation; as {@code src}, pull on this repository only. ECR needs no credentials: the handler
 * authenticates with its role.
 *
 * <pre>{@code
 * EcrImageName.of(repository, "1.2.3")
 * EcrImageName.of(repository, "sha256:4f...")
 * }</pre>
 */
public final class EcrImageName implements IImageName {
  private final IRepository repository;
  private final String tagOrDigest;

  private EcrImageName(final IRepository repository, final String tagOrDigest) {
    this.repository = repository;
    this.tagOrDigest = tagOrDigest;
  }

  /**
   * Names an image in a repository.
   *
   * @param repository the repository, e.g. a {@code new Repository(...)} or {@code
   *     Repository.fromRepositoryName(...)}
   * @param tagOrDigest a tag such as {@code latest} or {@code 1.2.3}, or a digest such as {@code
   *     sha256:4f...} (a value with a {@code :} is a digest); may be a CDK token
   * @return the image name
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when {@code tagOrDigest} is empty or not a valid tag or digest
   */
  public static EcrImageName of(final IRepository repository, final String tagOrDigest) {
    Objects.requireNonNull(
        repository, "repository must not be null: pass the ECR repository to copy to or from");
    Objects.requireNonNull(
        tagOrDigest, "tagOrDigest must not be null: pass a tag such as \"latest\" or a digest");
    if (!Token.isUnresolved(tagOrDigest)) {
      String t = tagOrDigest.startsWith("@") ? tagOrDigest.substring(1) : tagOrDigest;
      boolean digest = t.contains(":");
      boolean valid =
          digest
              ? t.matches("[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")
              : t.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
      if (!valid) {
        throw new IllegalArgumentException(
            "tagOrDigest \""
                + tagOrDigest
                + "\" is neither a tag (up to 128 letters, digits, '_', '.' and '-', not starting"
                + " with '.' or '-') nor a digest (e.g. \"sha256:\" and 64 hex digits)");
      }
      return new EcrImageName(repository, t);
    }
    return new EcrImageName(repository, tagOrDigest);
  }

  /**
   * The repository of the image.
   *
   * @return the repository given to {@link #of(IRepository, String)}
   */
  public IRepository getRepository() {
    return repository;
  }

  /**
   * The tag or digest of the image.
   *
   * @return the tag, or the digest (without a leading {@code @})
   */
  public String getTagOrDigest() {
    return tagOrDigest;
  }

  /**
   * The URI of the image.
   *
   * @return {@code docker://<repositoryUri>:<tag>} or {@code docker://<repositoryUri>@<digest>}
   */
  @Override
  public String getUri() {
    boolean digest = !Token.isUnresolved(tagOrDigest) && tagOrDigest.contains(":");
    return "docker://" + repository.getRepositoryUri() + (digest ? "@" : ":") + tagOrDigest;
  }

  /** Returns the URI. */
  @Override
  public String toString() {
    return getUri();
  }
}
