package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.archive.ArchiveContents;
import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.archive.TarReader;
import io.github.cdkecrdeployment.handler.common.Digests;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image chosen from an archive's table of contents, in one of two shapes: a {@code docker save}
 * image whose manifest is built after its layers are pushed ({@link DockerSave}), and an OCI layout
 * whose manifests are pushed byte-exact ({@link Oci}). A Docker 25+ {@code docker save} holds both;
 * its OCI manifest is used byte-exact when every layer in it is already compressed (as the
 * containerd image store writes them), else the image is rebuilt with compressed layers as from a
 * classic {@code docker save} (as skopeo does), which gives another digest.
 */
sealed interface ArchiveImages {
  String OCI_INDEX = MediaTypes.OCI_INDEX;
  String OCI_MANIFEST = MediaTypes.OCI_MANIFEST;
  String DOCKER_LIST = MediaTypes.DOCKER_LIST;
  String DOCKER_MANIFEST = MediaTypes.DOCKER_MANIFEST;

  /**
   * A {@code docker save} image: config bytes and layer entries in manifest order.
   *
   * @param name how the image is named in messages
   * @param config the config's exact bytes
   * @param layers layer entries, in order (may repeat)
   */
  record DockerSave(String name, byte[] config, List<TarReader.Entry> layers)
      implements ArchiveImages {}

  /**
   * An OCI archive image: blobs with known digests, then manifests in push order.
   *
   * @param name how the image is named in messages
   * @param blobs every blob to push, deduplicated
   * @param children manifests pushed by digest before the top one
   * @param top the manifest pushed by the destination tag, last
   * @param archTags extra tag to the manifest pushed under it
   */
  record Oci(
      String name,
      List<OciBlob> blobs,
      List<RawManifest> children,
      RawManifest top,
      Map<String, RawManifest> archTags)
      implements ArchiveImages {}

  /**
   * A blob of an OCI archive.
   *
   * @param entry where it is
   * @param descriptor its digest and size
   */
  record OciBlob(TarReader.Entry entry, BlobDescriptor descriptor) {}

  /** Chooses the image. */
  static ArchiveImages of(
      ArchiveContents contents,
      String uri,
      String ref,
      Selection selection,
      Map<String, String> archTags)
      throws ArchiveException {
    boolean legacy = contents.small().containsKey("manifest.json");
    if (contents.small().containsKey("index.json")) {
      if (!legacy) {
        return oci(contents, uri, ref, selection, archTags);
      }
      Oci oci;
      try {
        oci = oci(contents, uri, ref, selection, archTags);
      } catch (ArchiveException e) {
        // Its OCI side does not serve this request: the docker save side decides.
        oci = null;
      }
      if (oci != null && allLayersCompressed(oci, uri)) {
        return oci;
      }
    }
    if (legacy) {
      return dockerSave(contents, uri, ref);
    }
    throw new ArchiveException(
        uri
            + " has neither manifest.json nor index.json, so it is not a docker save or OCI"
            + " archive; create it with `docker save IMAGE | gzip > image.tar.gz` or skopeo copy"
            + " oci-archive:",
        true,
        null);
  }

  private static ArchiveImages dockerSave(ArchiveContents contents, String uri, String ref)
      throws ArchiveException {
    JsonNode manifest = json(contents, "manifest.json", uri);
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw ArchiveRefs.bad(uri, "its manifest.json lists no images");
    }
    ImageReference wanted = ref == null || ref.startsWith("@") ? null : ArchiveRefs.normalise(ref);
    int chosen =
        ArchiveRefs.pick(
            uri,
            ref,
            manifest.size(),
            ArchiveRefs.listDockerSave(manifest),
            ArchiveRefs.firstName(manifest),
            i -> {
              for (JsonNode t : manifest.get(i).path("RepoTags")) {
                ImageReference have = ArchiveRefs.normaliseOrNull(t.asText());
                if (have != null && wanted != null && ArchiveRefs.sameTagged(have, wanted)
                    || t.asText().equals(ref)) {
                  return true;
                }
              }
              return false;
            });
    JsonNode image = manifest.get(chosen);
    String configPath = image.path("Config").asText("");
    byte[] config = contents.small().get(configPath);
    if (config == null) {
      throw ArchiveRefs.bad(
          uri, "its manifest.json names config '" + configPath + "', which is not in it");
    }
    List<TarReader.Entry> layers = new ArrayList<>();
    for (JsonNode l : image.path("Layers")) {
      TarReader.Entry e = contents.entries().get(ArchiveRefs.stripDot(l.asText()));
      if (e == null) {
        throw ArchiveRefs.bad(
            uri, "its manifest.json names layer '" + l.asText() + "', which is not in it");
      }
      layers.add(e);
    }
    String name =
        image.path("RepoTags").isArray() && !image.path("RepoTags").isEmpty()
            ? image.path("RepoTags").get(0).asText()
            : "@" + chosen;
    return new DockerSave(name, config, layers);
  }

  private static Oci oci(
      ArchiveContents contents,
      String uri,
      String ref,
      Selection selection,
      Map<String, String> archTags)
      throws ArchiveException {
    JsonNode index = json(contents, "index.json", uri);
    JsonNode manifests = index.path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw ArchiveRefs.bad(uri, "its index.json lists no images");
    }
    ImageReference wanted = ref == null ? null : ArchiveRefs.normaliseOrNull(ref);
    int chosen =
        ArchiveRefs.pick(
            uri,
            ref,
            manifests.size(),
            ArchiveRefs.listOci(manifests),
            "@0",
            i -> {
              JsonNode a = manifests.get(i).path("annotations");
              String refName = a.path("org.opencontainers.image.ref.name").asText(null);
              String fullName = a.path("io.containerd.image.name").asText(null);
              if (ref.equals(refName) || ref.equals(fullName)) {
                return true;
              }
              for (String n : new String[] {fullName, refName}) {
                ImageReference have =
                    n == null || wanted == null ? null : ArchiveRefs.normaliseOrNull(n);
                if (have != null && ArchiveRefs.sameTagged(have, wanted) && n.contains(":")) {
                  return true;
                }
              }
              return false;
            });
    JsonNode desc = manifests.get(chosen);
    String name = ArchiveRefs.describeOci(desc, chosen);
    OciBuilder b = new OciBuilder(contents, uri);
    RawManifest selected = b.manifest(desc);
    JsonNode body = parse(selected.bytes(), uri, selected.digest());
    RawManifest top;
    Map<String, RawManifest> extra = new LinkedHashMap<>();
    if (isIndex(selected.mediaType(), body)) {
      if (selection.kind() == Selection.Kind.ALL) {
        b.addIndexChildren(body);
        top = selected;
        for (Map.Entry<String, String> t : archTags.entrySet()) {
          JsonNode child =
              choose(body, PlatformMatcher.parseRequested(t.getKey()), uri + " (" + name + ")");
          extra.put(t.getValue(), b.manifest(child));
        }
      } else {
        JsonNode child = choose(body, PlatformMatcher.of(selection), uri + " (" + name + ")");
        top = b.manifest(child);
        b.addManifestBlobs(parse(top.bytes(), uri, top.digest()), top.digest());
      }
    } else {
      if (selection.kind() == Selection.Kind.ARCH) {
        checkSinglePlatform(contents, body, PlatformMatcher.of(selection), uri, name);
      }
      if (!archTags.isEmpty()) {
        throw new ArchiveException(
            RegistrySource.singleWithArchTags(uri + " (" + name + ")", selected.mediaType())
                .getMessage(),
            true,
            null);
      }
      b.addManifestBlobs(body, selected.digest());
      top = selected;
    }
    return new Oci(name, List.copyOf(b.blobs.values()), b.children, top, extra);
  }

  /** Collects blobs and child manifests of an OCI archive. */
  final class OciBuilder {
    private final ArchiveContents contents;
    private final String uri;
    private final Map<String, OciBlob> blobs = new LinkedHashMap<>();
    private final List<RawManifest> children = new ArrayList<>();

    OciBuilder(ArchiveContents contents, String uri) {
      this.contents = contents;
      this.uri = uri;
    }

    RawManifest manifest(JsonNode desc) throws ArchiveException {
      String digest = desc.path("digest").asText("");
      byte[] bytes = contents.small().get(ArchiveRefs.blobPath(digest));
      if (bytes == null) {
        throw ArchiveRefs.bad(uri, "manifest " + digest + " is referenced but not in the archive");
      }
      String actual = Digests.sha256(bytes);
      if (!actual.equals(digest)) {
        throw ArchiveRefs.bad(uri, "blob " + digest + " has digest " + actual);
      }
      String mediaType = desc.path("mediaType").asText("");
      if (mediaType.isEmpty()) {
        mediaType = parse(bytes, uri, digest).path("mediaType").asText(OCI_MANIFEST);
      }
      return new RawManifest(bytes, mediaType, digest);
    }

    void addIndexChildren(JsonNode index) throws ArchiveException {
      for (JsonNode child : index.path("manifests")) {
        RawManifest m = manifest(child);
        JsonNode body = parse(m.bytes(), uri, m.digest());
        if (isIndex(m.mediaType(), body)) {
          addIndexChildren(body);
        } else {
          addManifestBlobs(body, m.digest());
        }
        children.add(m);
      }
    }

    void addManifestBlobs(JsonNode manifest, String digest) throws ArchiveException {
      List<JsonNode> descs = new ArrayList<>();
      descs.add(manifest.path("config"));
      for (JsonNode l : manifest.path("layers")) {
        // Foreign (non-distributable) layers stay where their URLs point, as for every source.
        if (!(l.has("urls") && l.path("urls").size() > 0)) {
          descs.add(l);
        }
      }
      manifest.path("blobs").forEach(descs::add);
      for (JsonNode d : descs) {
        String blob = d.path("digest").asText("");
        if (blob.isEmpty()) {
          throw ArchiveRefs.bad(uri, "manifest " + digest + " has a descriptor without a digest");
        }
        if (blobs.containsKey(blob)) {
          continue;
        }
        TarReader.Entry e = contents.entries().get(ArchiveRefs.blobPath(blob));
        if (e == null) {
          throw ArchiveRefs.bad(
              uri, "blob " + blob + " of manifest " + digest + " is not in the archive");
        }
        blobs.put(blob, new OciBlob(e, new BlobDescriptor(blob, e.size())));
      }
    }
  }

  private static boolean isIndex(String mediaType, JsonNode body) {
    return mediaType.equals(OCI_INDEX)
        || mediaType.equals(DOCKER_LIST)
        || (body.has("manifests") && !body.has("layers"));
  }

  /** The child of an index for a platform, by the one rule set of every source. */
  static JsonNode choose(JsonNode index, PlatformMatcher want, String source)
      throws ArchiveException {
    try {
      return want.choose(index.path("manifests"), source);
    } catch (CopyException e) {
      throw new ArchiveException(e.getMessage(), true, null);
    }
  }

  /** A single image asked for by architecture must be that architecture. */
  private static void checkSinglePlatform(
      ArchiveContents contents, JsonNode manifest, PlatformMatcher want, String uri, String name)
      throws ArchiveException {
    String cfg = manifest.path("config").path("digest").asText("");
    byte[] config = contents.small().get(ArchiveRefs.blobPath(cfg));
    JsonNode json = config == null ? null : parse(config, uri, cfg);
    if (json != null && !want.matches(json)) {
      throw new ArchiveException(
          uri
              + " ("
              + name
              + ") is a single-platform "
              + PlatformMatcher.describe(json)
              + " image, not "
              + want
              + " — drop ImageArch (--arch) or use a source that has "
              + want,
          true,
          null);
    }
  }

  /** True when no image manifest of the plan has an uncompressed layer. */
  private static boolean allLayersCompressed(Oci oci, String uri) throws ArchiveException {
    List<RawManifest> manifests = new ArrayList<>(oci.children());
    manifests.add(oci.top());
    for (RawManifest m : manifests) {
      for (JsonNode l : parse(m.bytes(), uri, m.digest()).path("layers")) {
        if (MediaTypes.isUncompressedLayer(l.path("mediaType").asText(""))) {
          return false;
        }
      }
    }
    return true;
  }

  private static JsonNode json(ArchiveContents contents, String path, String uri)
      throws ArchiveException {
    return parse(contents.small().get(path), uri, path);
  }

  private static JsonNode parse(byte[] bytes, String uri, String what) throws ArchiveException {
    try {
      return Json.read(bytes);
    } catch (IOException e) {
      throw ArchiveRefs.bad(uri, what + " is not valid JSON");
    }
  }
}
