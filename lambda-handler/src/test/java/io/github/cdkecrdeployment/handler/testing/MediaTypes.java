package io.github.cdkecrdeployment.handler.testing;

/** Media types used by generated images. */
public final class MediaTypes {
  private MediaTypes() {}

  /** Docker image manifest v2 schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list. */
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI gzip layer. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI uncompressed layer. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI zstd layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** In-toto attestation layer (BuildKit attestation manifests). */
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  /** OCI empty descriptor config ({@code {}}). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
}
