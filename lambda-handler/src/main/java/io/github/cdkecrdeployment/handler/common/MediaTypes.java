package io.github.cdkecrdeployment.handler.common;

/**
 * The media types of the OCI image spec and Docker's image manifest v2 schema 2 that the engine
 * reads and writes (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/media-types.md">OCI</a>, <a
 * href="https://distribution.github.io/distribution/spec/manifest-v2-2/">Docker</a>).
 */
public final class MediaTypes {
  private MediaTypes() {}

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI layer, gzip. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI layer, zstd. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI layer, uncompressed. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** Docker manifest list. */
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image manifest v2 schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker layer, gzip. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker layer, uncompressed. */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Every manifest type the engine copies, as an Accept header value. */
  public static final String ACCEPT_MANIFESTS =
      OCI_INDEX + ", " + OCI_MANIFEST + ", " + DOCKER_LIST + ", " + DOCKER_MANIFEST;

  /** True for an OCI index or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  /** True for an uncompressed layer type. */
  public static boolean isUncompressedLayer(String mediaType) {
    return OCI_LAYER_TAR.equals(mediaType) || DOCKER_LAYER_TAR.equals(mediaType);
  }
}
