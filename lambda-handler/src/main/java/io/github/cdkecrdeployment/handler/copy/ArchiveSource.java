package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.archive.ArchiveContents;
import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.archive.EntryStreams;
import io.github.cdkecrdeployment.handler.archive.GzipCompressingInputStream;
import io.github.cdkecrdeployment.handler.archive.S3Archive;
import io.github.cdkecrdeployment.handler.archive.TarReader;
import io.github.cdkecrdeployment.handler.aws.S3Objects;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Digests;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link CopyPlan} of an {@code s3://bucket/key[:ref]} source: a {@code docker save}
 * tarball (legacy and Docker 25+ OCI layouts) or an OCI archive, plain or gzip'd. A first pass
 * reads the table of contents and the small JSON files (on a plain tar it seeks over the layers
 * instead of downloading them); the plan's blobs then stream from S3 by ranged reads, or in archive
 * order from a gzip'd one. OCI manifests are pushed byte-exact; a {@code docker save} image gets a
 * manifest built from its pushed layers, uncompressed ones gzip'd on the way.
 */
final class ArchiveSource {
  private final S3Objects s3;
  private final SourceLocation.S3 location;
  private final int blockSize;
  private final Progress progress;
  private final Deadline deadline;
  private EntryStreams streams;

  ArchiveSource(
      S3Objects s3,
      SourceLocation.S3 location,
      int blockSize,
      Progress progress,
      Deadline deadline) {
    this.s3 = s3;
    this.location = location;
    this.blockSize = blockSize;
    this.progress = progress;
    this.deadline = deadline;
  }

  CopyPlan plan(Selection selection, Map<String, String> archTags) throws IOException {
    progress.stage("reading the table of contents of " + location);
    S3Archive archive = S3Archive.open(s3, location.bucket(), location.key(), blockSize, deadline);
    ArchiveContents contents = ArchiveContents.scan(archive);
    streams = new EntryStreams(archive, contents);
    ArchiveImages image =
        ArchiveImages.of(contents, archive.uri(), location.ref(), selection, archTags);
    if (image instanceof ArchiveImages.Oci oci) {
      return oci(oci);
    }
    return dockerSave((ArchiveImages.DockerSave) image, selection, archTags, archive.uri());
  }

  /** Releases the forward reader of a gzip'd archive. */
  void close() {
    if (streams != null) {
      streams.close();
    }
  }

  private CopyPlan oci(ArchiveImages.Oci oci) {
    List<CopyPlan.PlannedBlob> blobs = new ArrayList<>();
    for (ArchiveImages.OciBlob b : inArchiveOrder(oci.blobs(), x -> x.entry().offset())) {
      blobs.add(
          new CopyPlan.PlannedBlob(
              b.descriptor().digest(), b.descriptor(), b.entry().size(), entry(b.entry(), false)));
    }
    return new CopyPlan(
        oci.name(),
        blobs,
        oci.children(),
        oci.archTags(),
        CopyPlan.Top.fixed(oci.top()),
        streams.sequential(),
        null);
  }

  private CopyPlan dockerSave(
      ArchiveImages.DockerSave image, Selection selection, Map<String, String> archTags, String uri)
      throws ArchiveException {
    if (!archTags.isEmpty()) {
      throw new ArchiveException(
          RegistrySource.singleWithArchTags(uri + " (" + image.name() + ")", "docker save image")
              .getMessage(),
          true,
          null);
    }
    JsonNode configJson = json(image.config(), uri);
    if (selection.kind() == Selection.Kind.ARCH
        && !PlatformMatcher.of(selection).matches(configJson)) {
      throw new ArchiveException(
          uri
              + " ("
              + image.name()
              + ") is a single-platform "
              + PlatformMatcher.describe(configJson)
              + " image, not "
              + PlatformMatcher.of(selection)
              + " — drop ImageArch (--arch) or use a source that has "
              + PlatformMatcher.of(selection),
          true,
          null);
    }
    byte[] config = image.config();
    BlobDescriptor configBlob = new BlobDescriptor(Digests.sha256(config), config.length);
    List<CopyPlan.PlannedBlob> blobs = new ArrayList<>();
    blobs.add(
        new CopyPlan.PlannedBlob(
            configBlob.digest(),
            configBlob,
            config.length,
            () -> new BlobSource.Opened(new ByteArrayInputStream(config), null)));
    Map<String, TarReader.Entry> layers = new LinkedHashMap<>();
    for (TarReader.Entry e : image.layers()) {
      layers.putIfAbsent(e.name(), e);
    }
    for (TarReader.Entry e :
        inArchiveOrder(List.copyOf(layers.values()), TarReader.Entry::offset)) {
      blobs.add(new CopyPlan.PlannedBlob(e.name(), null, e.size(), entry(e, true)));
    }
    return new CopyPlan(
        image.name(),
        blobs,
        List.of(),
        Map.of(),
        new DockerSaveTop(configBlob, image.layers()),
        streams.sequential(),
        null);
  }

  private static <T> List<T> inArchiveOrder(
      List<T> items, java.util.function.ToLongFunction<T> at) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingLong(at));
    return sorted;
  }

  /**
   * The bytes of an archive entry; a {@code docker save} layer is sniffed: gzip and zstd go as they
   * are, anything else is gzip-compressed on the way.
   */
  private BlobSource entry(TarReader.Entry e, boolean layer) {
    return () -> {
      InputStream raw = streams.open(e);
      if (!layer) {
        return new BlobSource.Opened(raw, null);
      }
      BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
      in.mark(4);
      byte[] magic = new byte[4];
      int n = in.readNBytes(magic, 0, 4);
      in.reset();
      if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        return new BlobSource.Opened(in, MediaTypes.DOCKER_LAYER_GZIP);
      }
      if (n == 4
          && (magic[0] & 0xff) == 0x28
          && (magic[1] & 0xff) == 0xb5
          && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        return new BlobSource.Opened(in, MediaTypes.OCI_LAYER_ZSTD);
      }
      return new BlobSource.Opened(
          new GzipCompressingInputStream(in), MediaTypes.DOCKER_LAYER_GZIP);
    };
  }

  private static JsonNode json(byte[] bytes, String uri) throws ArchiveException {
    try {
      return Json.read(bytes);
    } catch (IOException e) {
      throw new ArchiveException(uri + ": the image config is not valid JSON", true, e);
    }
  }

  /** The manifest of a {@code docker save} image, built from its pushed layers. */
  private record DockerSaveTop(BlobDescriptor config, List<TarReader.Entry> layers)
      implements CopyPlan.Top {
    @Override
    public String knownDigest() {
      return null;
    }

    @Override
    public RawManifest build(Map<String, CopyPlan.Pushed> pushed) throws CopyException {
      boolean zstd =
          pushed.values().stream().anyMatch(p -> MediaTypes.OCI_LAYER_ZSTD.equals(p.mediaType()));
      ObjectNode m = Json.object();
      m.put("schemaVersion", 2);
      m.put("mediaType", zstd ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST);
      ObjectNode c = m.putObject("config");
      c.put("mediaType", zstd ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
      c.put("size", config.size());
      c.put("digest", config.digest());
      ArrayNode out = m.putArray("layers");
      for (TarReader.Entry e : layers) {
        CopyPlan.Pushed p = pushed.get(e.name());
        ObjectNode l = out.addObject();
        String type = p.mediaType();
        l.put(
            "mediaType",
            zstd && MediaTypes.DOCKER_LAYER_GZIP.equals(type) ? MediaTypes.OCI_LAYER_GZIP : type);
        l.put("size", p.descriptor().size());
        l.put("digest", p.descriptor().digest());
      }
      byte[] bytes = Json.write(m, true);
      return new RawManifest(bytes, m.get("mediaType").asText(), Digests.sha256(bytes));
    }
  }
}
