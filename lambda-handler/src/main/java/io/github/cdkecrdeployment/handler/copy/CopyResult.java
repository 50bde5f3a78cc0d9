package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.ImageReference;

/**
 * The outcome of a successful copy.
 *
 * @param digest the digest now at the destination tag
 * @param destination the destination as requested
 * @param progress blobs and bytes handled
 * @param pushedNothing true when the destination tag already held the digest
 */
public record CopyResult(
    String digest, ImageReference destination, CopyProgress progress, boolean pushedNothing) {
  /** {@code registry/repository@digest}. */
  public String imageUri() {
    return destination.repositoryUri() + "@" + digest;
  }
}
