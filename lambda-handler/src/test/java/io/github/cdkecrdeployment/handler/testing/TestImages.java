package io.github.cdkecrdeployment.handler.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Generates test images and pushes them with {@link RegistryHttp} (never through the code under
 * test). Layers are pseudo-random tar.gz (see {@link TestLayers}); manifests are pretty-printed
 * with 3-space indentation (as {@code docker push} writes them) so a copier that re-serialises
 * changes digests.
 *
 * <pre>{@code
 * TestImages gen = new TestImages(42);
 * TestImages.Node amd64 = gen.image(Format.OCI, "linux/amd64").layers(1 << 20, 4096).build();
 * TestImages.Node arm64 = gen.image(Format.OCI, "linux/arm64/v8").layers(2048).build();
 * TestImages.Node index = gen.index(Format.OCI, amd64, arm64).attestations().build();
 * gen.push(registry.http(), "app", "1.0", index);
 * }</pre>
 */
public final class TestImages {
  /** Manifest family. */
  public enum Format {
    /** Docker v2 schema 2 manifests and manifest lists. */
    DOCKER,
    /** OCI image manifests and indexes. */
    OCI
  }

  /**
   * A blob with regenerable content.
   *
   * @param digest sha256 digest
   * @param size bytes
   * @param mediaType media type in the manifest
   * @param content opens the exact bytes again
   */
  public record Blob(String digest, long size, String mediaType, Supplier<InputStream> content) {
    /** The descriptor JSON. */
    Json descriptor() {
      return Json.obj().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }
  }

  /**
   * A platform, e.g. {@code linux/arm64/v8}.
   *
   * @param os os
   * @param architecture architecture
   * @param variant variant or null
   */
  public record Platform(String os, String architecture, String variant) {
    /** Parses {@code os/arch[/variant]}. */
    public static Platform parse(String s) {
      String[] p = s.split("/");
      return new Platform(p[0], p[1], p.length > 2 ? p[2] : null);
    }

    Json json() {
      return Json.obj().put("architecture", architecture).put("os", os).put("variant", variant);
    }

    @Override
    public String toString() {
      return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
  }

  /**
   * A manifest with everything it references.
   *
   * @param bytes exact manifest bytes
   * @param mediaType its media type
   * @param digest sha256 of bytes
   * @param blobs config and layers (for indexes: empty)
   * @param children manifests an index references (in order), or an artifact's subject-less parts
   * @param platform platform for index descriptors, or null
   * @param descriptorAnnotations annotations for index descriptors, or empty
   * @param artifactType artifactType for index descriptors, or null
   */
  public record Node(
      byte[] bytes,
      String mediaType,
      String digest,
      List<Blob> blobs,
      List<Node> children,
      Platform platform,
      Map<String, String> descriptorAnnotations,
      String artifactType) {
    /** Size in bytes of the manifest. */
    public long size() {
      return bytes.length;
    }

    /** This node and every node below it, children first, deduplicated. */
    public List<Node> allNodes() {
      Map<String, Node> out = new LinkedHashMap<>();
      collect(this, out);
      return List.copyOf(out.values());
    }

    private static void collect(Node n, Map<String, Node> out) {
      for (Node c : n.children) {
        collect(c, out);
      }
      out.putIfAbsent(n.digest, n);
    }

    /** Every blob of this node and below, deduplicated by digest. */
    public List<Blob> allBlobs() {
      Map<String, Blob> out = new LinkedHashMap<>();
      for (Node n : allNodes()) {
        for (Blob b : n.blobs) {
          out.putIfAbsent(b.digest, b);
        }
      }
      return List.copyOf(out.values());
    }

    /** The child with this platform ({@code os/arch[/variant]}), or throws. */
    public Node child(String platform) {
      Platform p = Platform.parse(platform);
      return children.stream()
          .filter(c -> p.equals(c.platform))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no child " + platform));
    }

    Json descriptor() {
      Json d =
          Json.obj()
              .put("mediaType", mediaType)
              .put("digest", digest)
              .put("size", (long) bytes.length);
      if (artifactType != null) {
        d.put("artifactType", artifactType);
      }
      if (!descriptorAnnotations.isEmpty()) {
        d.put("annotations", descriptorAnnotations);
      }
      if (platform != null) {
        d.put("platform", platform.json());
      }
      return d;
    }

    Node withDescriptor(Map<String, String> annotations) {
      return new Node(
          bytes, mediaType, digest, blobs, children, platform, annotations, artifactType);
    }
  }

  private final long seed;
  private long counter;

  /** A generator; the same seed yields the same images. */
  public TestImages(long seed) {
    this.seed = seed;
  }

  private synchronized long nextSeed() {
    return seed * 1_000_003L + (++counter);
  }

  /** sha256 digest of bytes. */
  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(sha().digest(bytes));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A blob holding fixed bytes. */
  public static Blob bytesBlob(byte[] bytes, String mediaType) {
    return new Blob(sha256(bytes), bytes.length, mediaType, () -> new ByteArrayInputStream(bytes));
  }

  /**
   * A random tar.gz layer with {@code payload} random bytes in one file (payload -1: an empty tar
   * with no file). Hashes the content once; uploads regenerate it.
   *
   * @return the layer blob and the diff_id (sha256 of the uncompressed tar)
   */
  public Layer layer(long payload, String mediaType) {
    long s = nextSeed();
    boolean gzip = mediaType.endsWith("gzip");
    Supplier<InputStream> content =
        gzip ? () -> TestLayers.gzipTar(s, payload) : () -> TestLayers.tar(s, payload);
    MessageDigest outer = sha();
    MessageDigest inner = sha();
    long size = 0;
    try (InputStream in =
        gzip
            ? new DigestInputStream(
                TestLayers.gzip(new DigestInputStream(TestLayers.tar(s, payload), inner)), outer)
            : new DigestInputStream(TestLayers.tar(s, payload), outer)) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        size += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String digest = "sha256:" + HexFormat.of().formatHex(outer.digest());
    String diffId = gzip ? "sha256:" + HexFormat.of().formatHex(inner.digest()) : digest;
    return new Layer(new Blob(digest, size, mediaType, content), diffId);
  }

  /**
   * A layer and its uncompressed digest.
   *
   * @param blob the layer blob
   * @param diffId sha256 of the uncompressed tar
   */
  public record Layer(Blob blob, String diffId) {}

  /** Starts an image manifest for a platform such as {@code linux/arm64/v8}. */
  public ImageBuilder image(Format format, String platform) {
    return new ImageBuilder(format, Platform.parse(platform));
  }

  /** Starts an index over children (each child's platform goes into its descriptor). */
  public IndexBuilder index(Format format, Node... children) {
    return new IndexBuilder(format, List.of(children));
  }

  /**
   * An OCI artifact manifest ({@code artifactType}, empty config, one JSON layer) whose {@code
   * subject} is {@code subject}.
   */
  public Node artifact(Node subject, String artifactType) {
    Blob empty =
        bytesBlob("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaTypes.OCI_EMPTY);
    Blob payload =
        bytesBlob(
            ("{\"sbom\":\"" + nextSeed() + "\"}\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/vnd.example.sbom.v1+json");
    Json m =
        Json.obj()
            .put("schemaVersion", 2)
            .put("mediaType", MediaTypes.OCI_MANIFEST)
            .put("artifactType", artifactType)
            .put("config", empty.descriptor())
            .put("layers", List.of(payload.descriptor()))
            .put(
                "subject",
                Json.obj()
                    .put("mediaType", subject.mediaType())
                    .put("digest", subject.digest())
                    .put("size", subject.size()))
            .put("annotations", Map.of("org.opencontainers.image.created", "2024-05-06T07:08:09Z"));
    byte[] bytes = m.pretty(3);
    return new Node(
        bytes,
        MediaTypes.OCI_MANIFEST,
        sha256(bytes),
        List.of(empty, payload),
        List.of(),
        null,
        Map.of(),
        artifactType);
  }

  /** Builder for one image manifest. */
  public final class ImageBuilder {
    private final Format format;
    private final Platform platform;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private String layerMediaType;
    private int indent = 3;

    private ImageBuilder(Format format, Platform platform) {
      this.format = format;
      this.platform = platform;
      this.layerMediaType = format == Format.OCI ? MediaTypes.OCI_LAYER : MediaTypes.DOCKER_LAYER;
    }

    /** Media type for layers added after this call (e.g. {@link MediaTypes#OCI_LAYER_ZSTD}). */
    public ImageBuilder layerMediaType(String mediaType) {
      this.layerMediaType = mediaType;
      return this;
    }

    /** Adds random layers with these payload sizes. */
    public ImageBuilder layers(long... payloadSizes) {
      for (long s : payloadSizes) {
        layers.add(layer(s, layerMediaType));
      }
      return this;
    }

    /** Adds an empty layer (a tar with no file, as {@code RUN true} produces). */
    public ImageBuilder emptyLayer() {
      layers.add(layer(-1, layerMediaType));
      return this;
    }

    /** Adds the {@code index}-th layer again (the same digest twice in one manifest). */
    public ImageBuilder repeatLayer(int index) {
      layers.add(layers.get(index));
      return this;
    }

    /** Adds a manifest annotation (OCI only). */
    public ImageBuilder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /** Indentation of the manifest JSON (0: compact); default 3. */
    public ImageBuilder indent(int spaces) {
      this.indent = spaces;
      return this;
    }

    /** Builds it. */
    public Node build() {
      List<String> diffIds = new ArrayList<>();
      List<Json> history = new ArrayList<>();
      for (Layer l : layers) {
        diffIds.add(l.diffId());
        history.add(
            Json.obj()
                .put("created", "2024-01-02T03:04:05.123456789Z")
                .put("created_by", "test layer"));
      }
      Json config =
          Json.obj()
              .put("architecture", platform.architecture())
              .put("os", platform.os())
              .put("variant", platform.variant())
              .put("created", "2024-01-02T03:04:05.123456789Z")
              .put(
                  "config",
                  Json.obj()
                      .put("Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin"))
                      .put("Cmd", List.of("/bin/sh"))
                      .put("Labels", Map.of("test.seed", Long.toString(nextSeed()))))
              .put("rootfs", Json.obj().put("type", "layers").put("diff_ids", diffIds))
              .put("history", history);
      Blob cfg =
          bytesBlob(
              config.compact(),
              format == Format.OCI ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
      List<Json> layerDescs = new ArrayList<>();
      List<Blob> blobs = new ArrayList<>();
      blobs.add(cfg);
      for (Layer l : layers) {
        layerDescs.add(l.blob().descriptor());
        blobs.add(l.blob());
      }
      String mt = format == Format.OCI ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
      Json m =
          Json.obj()
              .put("schemaVersion", 2)
              .put("mediaType", mt)
              .put("config", cfg.descriptor())
              .put("layers", layerDescs);
      if (!annotations.isEmpty()) {
        m.put("annotations", annotations);
      }
      byte[] bytes = indent > 0 ? m.pretty(indent) : m.compact();
      return new Node(bytes, mt, sha256(bytes), blobs, List.of(), platform, Map.of(), null);
    }
  }

  /** Builder for an index / manifest list. */
  public final class IndexBuilder {
    private final Format format;
    private final List<Node> children;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private final List<Node> extra = new ArrayList<>();
    private boolean attestations;

    private IndexBuilder(Format format, List<Node> children) {
      this.format = format;
      this.children = children;
    }

    /** Adds a BuildKit-style attestation manifest ({@code unknown/unknown}) per child (OCI). */
    public IndexBuilder attestations() {
      this.attestations = true;
      return this;
    }

    /** Adds an index annotation (OCI). */
    public IndexBuilder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /** Adds another entry (a nested index, an artifact) after the children. */
    public IndexBuilder entry(Node node) {
      extra.add(node);
      return this;
    }

    /** Builds it. */
    public Node build() {
      List<Node> all = new ArrayList<>(children);
      if (attestations) {
        for (Node c : children) {
          all.add(attestation(c));
        }
      }
      all.addAll(extra);
      List<Json> descs = new ArrayList<>();
      for (Node c : all) {
        descs.add(c.descriptor());
      }
      String mt = format == Format.OCI ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_LIST;
      Json m = Json.obj().put("schemaVersion", 2).put("mediaType", mt).put("manifests", descs);
      if (!annotations.isEmpty()) {
        m.put("annotations", annotations);
      }
      byte[] bytes = m.pretty(3);
      return new Node(bytes, mt, sha256(bytes), List.of(), List.copyOf(all), null, Map.of(), null);
    }

    private Node attestation(Node subject) {
      Blob statement =
          bytesBlob(
              ("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"digest\":{\"sha256\":\""
                      + subject.digest().substring(7)
                      + "\"}}]}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8),
              MediaTypes.IN_TOTO);
      Json cfgJson =
          Json.obj()
              .put("architecture", "unknown")
              .put("os", "unknown")
              .put("config", Json.obj())
              .put(
                  "rootfs",
                  Json.obj().put("type", "layers").put("diff_ids", List.of(statement.digest())));
      Blob cfg = bytesBlob(cfgJson.compact(), MediaTypes.OCI_CONFIG);
      Json layer =
          statement
              .descriptor()
              .put("annotations", Map.of("in-toto.io/predicate-type", "https://spdx.dev/Document"));
      Json m =
          Json.obj()
              .put("schemaVersion", 2)
              .put("mediaType", MediaTypes.OCI_MANIFEST)
              .put("config", cfg.descriptor())
              .put("layers", List.of(layer));
      byte[] bytes = m.pretty(3);
      Map<String, String> ann = new LinkedHashMap<>();
      ann.put("vnd.docker.reference.digest", subject.digest());
      ann.put("vnd.docker.reference.type", "attestation-manifest");
      return new Node(
          bytes,
          MediaTypes.OCI_MANIFEST,
          sha256(bytes),
          List.of(cfg, statement),
          List.of(),
          new Platform("unknown", "unknown", null),
          ann,
          null);
    }
  }

  /**
   * Pushes a node: every blob, every child manifest by digest, then the node under {@code tag} (by
   * digest when tag is null).
   */
  public void push(RegistryHttp http, String repo, String tag, Node node) throws IOException {
    Set<String> pushed = new LinkedHashSet<>();
    for (Blob b : node.allBlobs()) {
      http.pushBlob(repo, b.digest(), b.size(), b.content());
    }
    for (Node n : node.allNodes()) {
      if (n != node && pushed.add(n.digest())) {
        http.putManifest(repo, n.digest(), n.bytes(), n.mediaType());
      }
    }
    http.putManifest(repo, tag == null ? node.digest() : tag, node.bytes(), node.mediaType());
  }
}
