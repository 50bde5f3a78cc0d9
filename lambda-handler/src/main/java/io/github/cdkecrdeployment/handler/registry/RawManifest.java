package io.github.cdkecrdeployment.handler.registry;

import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest exactly as a registry served it: the raw bytes (never re-serialised), the media type
 * from the response's Content-Type (or the manifest's own {@code mediaType} field), and the digest
 * of those bytes.
 *
 * @param bytes the exact bytes
 * @param mediaType the media type to push it with
 * @param digest {@code sha256:<hex>} of {@code bytes}
 */
public record RawManifest(byte[] bytes, String mediaType, String digest) {
  /** Checks that all parts are present. */
  public RawManifest {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawManifest m
        && Arrays.equals(bytes, m.bytes)
        && mediaType.equals(m.mediaType)
        && digest.equals(m.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "RawManifest[" + mediaType + " " + digest + ", " + bytes.length + " bytes]";
  }
}
