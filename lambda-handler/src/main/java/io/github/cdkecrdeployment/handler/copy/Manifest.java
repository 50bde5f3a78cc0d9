package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest parsed once: its raw bytes (what is pushed, never re-serialised) with what the engine
 * reads from it.
 *
 * @param raw the exact bytes, media type and digest
 * @param json the parsed document
 * @param index true for an OCI index or Docker manifest list
 */
record Manifest(RawManifest raw, JsonNode json, boolean index) {
  private static final java.util.Set<String> COPIED_TYPES =
      java.util.Set.of(
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_LIST,
          MediaTypes.DOCKER_MANIFEST);

  /**
   * Parses {@code raw}.
   *
   * @param source names the source in errors
   * @throws CopyException when it is not JSON or not a schema 2 manifest
   */
  static Manifest parse(RawManifest raw, String source) throws CopyException {
    JsonNode json;
    try {
      json = Json.read(raw.bytes());
    } catch (IOException e) {
      throw new CopyException(
          "manifest " + raw.digest() + " of " + source + " is not JSON: " + e.getMessage(),
          null,
          e);
    }
    if (json == null || !json.isObject()) {
      throw new CopyException(
          "manifest " + raw.digest() + " of " + source + " is not a JSON object", null, null);
    }
    if (!COPIED_TYPES.contains(raw.mediaType())) {
      throw new CopyException(
          source
              + " is a "
              + raw.mediaType()
              + " manifest ("
              + raw.digest()
              + "), which is not an image this handler copies; only Docker v2 schema 2 and OCI"
              + " image manifests and indexes are copied — point the source at an image",
          null,
          null);
    }
    boolean index =
        MediaTypes.isIndex(raw.mediaType()) || (json.has("manifests") && !json.has("layers"));
    if (json.path("schemaVersion").asInt() != 2) {
      throw new CopyException(
          source
              + " is a schema "
              + json.path("schemaVersion").asText()
              + " manifest ("
              + raw.mediaType()
              + "); only Docker v2 schema 2 and OCI are copied",
          null,
          null);
    }
    return new Manifest(raw, json, index);
  }

  /** The digest. */
  String digest() {
    return raw.digest();
  }

  /** An index's child descriptors. */
  JsonNode children() {
    return json.path("manifests");
  }

  /** The config descriptor of an image manifest, or null. */
  BlobDescriptor config() {
    JsonNode c = json.path("config");
    return c.has("digest") ? descriptor(c) : null;
  }

  /**
   * Every blob an image manifest needs: config, distributable layers (foreign layers with {@code
   * urls} stay where they point, as registries expect) and artifact {@code blobs}.
   */
  List<BlobDescriptor> blobs() {
    List<BlobDescriptor> out = new ArrayList<>();
    BlobDescriptor config = config();
    if (config != null) {
      out.add(config);
    }
    for (JsonNode l : json.path("layers")) {
      if (l.has("urls") && l.path("urls").size() > 0) {
        continue;
      }
      out.add(descriptor(l));
    }
    for (JsonNode l : json.path("blobs")) {
      out.add(descriptor(l));
    }
    return out;
  }

  private static BlobDescriptor descriptor(JsonNode d) {
    return new BlobDescriptor(d.path("digest").asText(), d.path("size").asLong());
  }
}
