package io.github.cdkecrdeployment.handler.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import java.io.IOException;

/** The media type of a served manifest. */
final class ManifestTypes {

  private ManifestTypes() {}

  /**
   * The Content-Type when it is a manifest type, else the manifest's own {@code mediaType} field,
   * else inferred from its shape (OCI allows omitting it).
   */
  static String of(String contentType, byte[] bytes) {
    String ct = contentType == null ? "" : contentType.split(";", 2)[0].trim();
    if (ct.startsWith("application/vnd.")) {
      return ct;
    }
    try {
      JsonNode node = Json.read(bytes);
      if (node != null && node.path("mediaType").isTextual()) {
        return node.path("mediaType").asText();
      }
      if (node != null && node.has("manifests")) {
        return MediaTypes.OCI_INDEX;
      }
      if (node != null && node.has("config")) {
        return MediaTypes.OCI_MANIFEST;
      }
    } catch (IOException e) {
      // fall through: not JSON
    }
    return ct.isEmpty() ? MediaTypes.OCI_MANIFEST : ct;
  }
}
