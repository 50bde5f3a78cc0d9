package io.github.cdkecrdeployment.handler.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Generates image archives as {@code docker save} (legacy and Docker 25+ OCI layouts) and {@code
 * skopeo copy oci-archive:} write them: random layer contents (so compression hides nothing),
 * pretty-printed JSON (so byte-exactness is really tested), deterministic for a seed.
 */
public final class ImageArchives {
  private ImageArchives() {}

  /**
   * One generated image.
   *
   * @param config the config's exact bytes
   * @param layers uncompressed layer tarballs
   */
  public record Image(byte[] config, List<byte[]> layers) {
    /** Digest of the config. */
    public String configDigest() {
      return sha256(config);
    }
  }

  /** An image for {@code arch} with {@code layerCount} random layers of {@code layerSize} bytes. */
  public static Image image(long seed, String arch, int layerCount, int layerSize) {
    Random r = new Random(seed);
    List<byte[]> layers = new ArrayList<>();
    StringBuilder diffIds = new StringBuilder();
    for (int i = 0; i < layerCount; i++) {
      byte[] content = new byte[layerSize];
      r.nextBytes(content);
      byte[] layer =
          new TarWriter().directory("data").file("data/file" + i + ".bin", content).finish();
      layers.add(layer);
      diffIds.append(i == 0 ? "" : ",\n      ").append('"').append(sha256(layer)).append('"');
    }
    String config =
        "{\n  \"architecture\": \""
            + arch
            + "\",\n  \"os\": \"linux\",\n  \"created\": \"2026-01-02T03:04:05.123456789Z\",\n"
            + "  \"config\": {\n    \"Env\": [\"PATH=/usr/bin\"],\n    \"Cmd\": [\"/bin/app\"],\n"
            + "    \"Labels\": {\"seed\": \""
            + seed
            + "\"}\n  },\n  \"rootfs\": {\n    \"type\": \"layers\",\n    \"diff_ids\": [\n      "
            + diffIds
            + "\n    ]\n  }\n}\n";
    return new Image(config.getBytes(StandardCharsets.UTF_8), layers);
  }

  /** A legacy {@code docker save}: {@code <id>/layer.tar}, {@code <hex>.json}, manifest.json. */
  public static TarWriter dockerSaveLegacy(List<Image> images, List<List<String>> repoTags) {
    TarWriter tar = new TarWriter();
    StringBuilder manifest = new StringBuilder("[");
    for (int i = 0; i < images.size(); i++) {
      Image img = images.get(i);
      List<String> layerPaths = new ArrayList<>();
      for (byte[] layer : img.layers()) {
        String id = sha256(layer).substring(7);
        String path = id + "/layer.tar";
        if (!layerPaths.contains(path)) {
          tar.directory(id)
              .file(id + "/VERSION", "1.0")
              .file(id + "/json", "{\"id\":\"" + id + "\"}");
          tar.file(path, layer);
        }
        layerPaths.add(path);
      }
      String configName = img.configDigest().substring(7) + ".json";
      tar.file(configName, img.config());
      manifest
          .append(i == 0 ? "" : ",")
          .append("{\"Config\":\"")
          .append(configName)
          .append("\",\"RepoTags\":")
          .append(jsonList(repoTags.get(i)))
          .append(",\"Layers\":")
          .append(jsonList(layerPaths))
          .append("}");
    }
    manifest.append("]");
    tar.file("manifest.json", manifest.toString());
    tar.file("repositories", "{}");
    return tar;
  }

  /** The OCI layout Docker 25+ writes: blobs/sha256/*, index.json, manifest.json, oci-layout. */
  public static TarWriter dockerSaveOci(Image img, String repoTag) {
    return dockerSaveOci(img, repoTag, false).tar();
  }

  /**
   * The OCI layout Docker 25+ writes, with the layers uncompressed (the classic image store) or
   * gzip'd as they came from a registry (the containerd image store).
   *
   * @return the archive, and in {@code manifestDigests} the digest of its one image manifest
   */
  public static OciArchive dockerSaveOci(Image img, String repoTag, boolean compressed) {
    TarWriter tar = new TarWriter();
    tar.directory("blobs").directory("blobs/sha256");
    StringBuilder layers = new StringBuilder();
    List<String> layerPaths = new ArrayList<>();
    for (byte[] plain : img.layers()) {
      byte[] layer = compressed ? gzip(plain) : plain;
      String d = sha256(layer);
      tar.file("blobs/sha256/" + d.substring(7), layer);
      layerPaths.add("blobs/sha256/" + d.substring(7));
      layers
          .append(layers.length() == 0 ? "" : ",")
          .append(
              descriptor(
                  compressed
                      ? "application/vnd.oci.image.layer.v1.tar+gzip"
                      : "application/vnd.oci.image.layer.v1.tar",
                  d,
                  layer.length));
    }
    tar.file("blobs/sha256/" + img.configDigest().substring(7), img.config());
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":"
                + descriptor(
                    "application/vnd.oci.image.config.v1+json",
                    img.configDigest(),
                    img.config().length)
                + ",\"layers\":["
                + layers
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    tar.file("blobs/sha256/" + sha256(manifest).substring(7), manifest);
    tar.file(
        "index.json",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\""
            + sha256(manifest)
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/"
            + repoTag
            + "\",\"org.opencontainers.image.ref.name\":\""
            + repoTag.substring(repoTag.indexOf(':') + 1)
            + "\"}}]}");
    tar.file(
        "manifest.json",
        "[{\"Config\":\"blobs/sha256/"
            + img.configDigest().substring(7)
            + "\",\"RepoTags\":[\""
            + repoTag
            + "\"],\"Layers\":"
            + jsonList(layerPaths)
            + "}]");
    tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    return new OciArchive(tar, null, List.of(sha256(manifest)));
  }

  /**
   * An OCI archive of one multi-platform index (gzip'd layers, pretty-printed manifests) tagged
   * {@code refName}.
   *
   * @return the archive, and the digests of the index and of each platform manifest
   */
  public static OciArchive ociArchive(List<Image> platforms, List<String> archs, String refName) {
    TarWriter tar = new TarWriter().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> manifestDigests = new ArrayList<>();
    StringBuilder entries = new StringBuilder();
    for (int p = 0; p < platforms.size(); p++) {
      Image img = platforms.get(p);
      StringBuilder layers = new StringBuilder();
      for (byte[] layer : img.layers()) {
        byte[] gz = gzip(layer);
        String d = sha256(gz);
        tar.file("blobs/sha256/" + d.substring(7), gz);
        layers
            .append(layers.length() == 0 ? "\n    " : ",\n    ")
            .append(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", d, gz.length));
      }
      tar.file("blobs/sha256/" + img.configDigest().substring(7), img.config());
      byte[] manifest =
          ("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
                  + "  \"config\": "
                  + descriptor(
                      "application/vnd.oci.image.config.v1+json",
                      img.configDigest(),
                      img.config().length)
                  + ",\n  \"layers\": ["
                  + layers
                  + "\n  ]\n}\n")
              .getBytes(StandardCharsets.UTF_8);
      String md = sha256(manifest);
      manifestDigests.add(md);
      tar.file("blobs/sha256/" + md.substring(7), manifest);
      String arch = archs.get(p);
      String variant = null;
      if (arch.contains("/")) {
        variant = arch.substring(arch.indexOf('/') + 1);
        arch = arch.substring(0, arch.indexOf('/'));
      }
      entries
          .append(p == 0 ? "\n    " : ",\n    ")
          .append("{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"digest\": \"")
          .append(md)
          .append("\", \"size\": ")
          .append(manifest.length)
          .append(", \"platform\": {\"architecture\": \"")
          .append(arch)
          .append("\", \"os\": \"linux\"")
          .append(variant != null ? ", \"variant\": \"" + variant + "\"" : "")
          .append("}}");
    }
    byte[] index =
        ("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n"
                + "  \"manifests\": ["
                + entries
                + "\n  ]\n}\n")
            .getBytes(StandardCharsets.UTF_8);
    String id = sha256(index);
    tar.file("blobs/sha256/" + id.substring(7), index);
    tar.file(
        "index.json",
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"digest\":\""
            + id
            + "\",\"size\":"
            + index.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + refName
            + "\"}}]}");
    return new OciArchive(tar, id, manifestDigests);
  }

  /**
   * A generated OCI archive.
   *
   * @param tar the archive (call {@code finish()})
   * @param indexDigest digest of the top index
   * @param manifestDigests digest of each platform manifest, in order
   */
  public record OciArchive(TarWriter tar, String indexDigest, List<String> manifestDigests) {}

  /** Gzip of bytes. */
  public static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code sha256:<hex>}. */
  public static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\": \""
        + mediaType
        + "\", \"digest\": \""
        + digest
        + "\", \"size\": "
        + size
        + "}";
  }

  private static String jsonList(List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      b.append(i == 0 ? "" : ",").append('"').append(items.get(i)).append('"');
    }
    return b.append(']').toString();
  }
}
