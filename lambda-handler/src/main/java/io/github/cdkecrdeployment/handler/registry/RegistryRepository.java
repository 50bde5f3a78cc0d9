package io.github.cdkecrdeployment.handler.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * One repository on one registry, already authenticated for the access it was opened with. This is
 * the only way the rest of the handler talks to a registry; the implementation sits on jib-core's
 * registry client (see {@link RegistryClient}).
 *
 * <p>Every method retries transient failures (408, 429, 5xx, resets, timeouts) within the deadline
 * it was opened with, and throws {@link RegistryException} with a message that names the image, the
 * registry, the HTTP status or registry error code and the fix. Implementations are thread-safe.
 */
public interface RegistryRepository extends AutoCloseable {

  /** The registry host (with port when not 443) and repository this view is bound to. */
  ImageReference reference();

  /**
   * HEADs a manifest.
   *
   * @param tagOrDigest a tag or {@code sha256:…} digest
   * @return the digest the registry reports for it, or empty when it does not exist
   */
  Optional<String> manifestDigest(String tagOrDigest) throws IOException;

  /** GETs a manifest with the full Accept list, keeping the raw bytes. */
  RawManifest pullManifest(String tagOrDigest) throws IOException;

  /** HEADs a blob. */
  boolean hasBlob(String digest) throws IOException;

  /**
   * Opens a streaming GET of a blob. The caller closes the stream; nothing is buffered beyond a
   * small transfer buffer.
   */
  InputStream openBlob(BlobDescriptor blob) throws IOException;

  /**
   * Tries a cross-repository mount of a blob from another repository of the same registry.
   *
   * @return true when the registry mounted it (201), false when it started an upload instead
   */
  boolean mountBlob(String digest, String fromRepository) throws IOException;

  /** Uploads a blob of known digest and size from a stream; the registry verifies the digest. */
  void pushBlob(BlobDescriptor blob, InputStream content) throws IOException;

  /**
   * Uploads a blob whose digest is not known in advance (for example a layer compressed while it
   * streams): the digest and size are computed while streaming and given at the final PUT.
   */
  BlobDescriptor pushBlob(InputStream content) throws IOException;

  /**
   * PUTs a manifest's exact bytes with its media type.
   *
   * @return the digest the registry reports
   */
  String pushManifest(RawManifest manifest, String tagOrDigest) throws IOException;

  /**
   * Closes every connection of this view that is still in use (a transfer blocked in a socket read
   * after its copy was given up); later requests through it fail. Default: nothing to close.
   */
  @Override
  default void close() {}
}
