package io.github.cdkecrdeployment.handler.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed image reference: registry host (with port), repository, and a tag and/or digest. Docker
 * Hub short names are normalised as Docker does: {@code nginx} is {@code
 * registry-1.docker.io/library/nginx:latest}.
 *
 * @param registry host, with {@code :port} when one was given
 * @param repository repository path, lower case
 * @param tag tag, or null when only a digest was given
 * @param digest {@code algorithm:hex}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  /** The host that serves Docker Hub's registry API. */
  public static final String DOCKER_HUB_REGISTRY = "registry-1.docker.io";

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");

  /** Checks the parts. */
  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("an image reference needs a tag or a digest");
    }
  }

  /**
   * Parses {@code [host[:port]/]path[:tag][@digest]}. Without tag or digest the tag is {@code
   * latest}.
   *
   * @throws IllegalArgumentException naming the bad value and the expected form
   */
  public static ImageReference parse(String value) {
    Objects.requireNonNull(value, "image reference");
    String rest = value.trim();
    if (rest.isEmpty()) {
      throw bad(value, "it is empty");
    }
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw bad(value, "'" + digest + "' is not a digest like sha256:<64 hex digits>");
      }
    }
    String registry = "docker.io";
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw bad(value, "'" + tag + "' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
      }
    }
    String repository = rest;
    if (registry.equals("docker.io") || registry.equals("index.docker.io")) {
      registry = DOCKER_HUB_REGISTRY;
      if (!repository.contains("/")) {
        repository = "library/" + repository;
      }
    }
    if (!REPOSITORY.matcher(repository).matches()) {
      throw bad(
          value,
          "'"
              + repository
              + "' is not a valid repository name (lower-case letters, digits, '.', '_', '-',"
              + " separated by '/')");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry.toLowerCase(Locale.ROOT), repository, tag, digest);
  }

  private static IllegalArgumentException bad(String value, String why) {
    return new IllegalArgumentException(
        "invalid image reference '"
            + value
            + "': "
            + why
            + "; use [registry[:port]/]repository[:tag][@sha256:digest], e.g."
            + " 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest");
  }

  /** The tag when present, else the digest: what a manifest GET/PUT addresses. */
  public String reference() {
    return digest != null ? digest : tag;
  }

  /** {@code registry/repository}. */
  public String repositoryUri() {
    return registry + "/" + repository;
  }

  /** Same registry and repository, another tag. */
  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, null);
  }

  /** Same registry and repository, addressed by digest only. */
  public ImageReference withDigest(String newDigest) {
    return new ImageReference(registry, repository, null, newDigest);
  }

  @Override
  public String toString() {
    return repositoryUri() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
