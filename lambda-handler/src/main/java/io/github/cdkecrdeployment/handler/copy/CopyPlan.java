package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one copy pushes, built by a source ({@link RegistrySource}, {@link ArchiveSource}) and run
 * by the one {@link PlanPusher}: the blobs (deduplicated, each with where its bytes come from), the
 * child manifests in push order, the manifests extra tags point at, and the top manifest.
 * Immutable.
 *
 * @param name how the selected image is named in messages
 * @param blobs every blob to push
 * @param children manifests pushed by digest before any tag, images before the indexes that
 *     reference them
 * @param archTags extra destination tag → the child manifest it names
 * @param top the manifest the destination tag(s) will name
 * @param sequential true when the blobs must be pushed one at a time in plan order (they come from
 *     one forward-only stream, such as a gzip'd archive)
 * @param mountFrom the source repository when it is on the destination's registry (blobs may be
 *     mounted from it), else null
 */
record CopyPlan(
    String name,
    List<PlannedBlob> blobs,
    List<RawManifest> children,
    Map<String, RawManifest> archTags,
    Top top,
    boolean sequential,
    ImageReference mountFrom) {

  /** Copies the collections. */
  CopyPlan {
    Objects.requireNonNull(name, "name");
    blobs = List.copyOf(blobs);
    children = List.copyOf(children);
    archTags = Map.copyOf(archTags);
    Objects.requireNonNull(top, "top");
  }

  /** Bytes of all blobs whose size is known. */
  long bytes() {
    return blobs.stream().mapToLong(PlannedBlob::size).sum();
  }

  /**
   * One blob to push.
   *
   * @param key identifies it in the plan (its digest, or its archive path when the digest is known
   *     only after it streamed)
   * @param known its digest and size when known in advance, else null
   * @param size its size (as stored in the source) for progress
   * @param source where its bytes come from
   */
  record PlannedBlob(String key, BlobDescriptor known, long size, BlobSource source) {}

  /**
   * A pushed blob.
   *
   * @param descriptor its digest and size at the destination
   * @param mediaType its media type when it was learned while streaming, else null
   */
  record Pushed(BlobDescriptor descriptor, String mediaType) {}

  /** The top manifest: known in advance, or built once the blobs are pushed. */
  interface Top {
    /** The digest when known before pushing, else null. */
    String knownDigest();

    /** The manifest, given every pushed blob by its {@link PlannedBlob#key()}. */
    RawManifest build(Map<String, Pushed> pushed) throws CopyException;

    /** A top manifest known in advance. */
    static Top fixed(RawManifest manifest) {
      return new Top() {
        @Override
        public String knownDigest() {
          return manifest.digest();
        }

        @Override
        public RawManifest build(Map<String, Pushed> pushed) {
          return manifest;
        }
      };
    }
  }
}
