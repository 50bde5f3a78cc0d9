package io.github.cdkecrdeployment.integ.e2e;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import java.io.IOException;
import java.util.Locale;

/** Test images in the local registries, and what skopeo sees of them. */
public final class Images {
  private Images() {}

  /**
   * A multi-architecture index (linux/amd64, linux/arm64/v8, linux/arm/v7, with attestation
   * manifests) of small random layers.
   */
  public static TestImages.Node multiArch(long seed, TestImages.Format format) {
    TestImages images = new TestImages(seed);
    return images
        .index(
            format,
            images.image(format, "linux/amd64").layers(180_000, 40_000).build(),
            images.image(format, "linux/arm64/v8").layers(170_000, 30_000).build(),
            images.image(format, "linux/arm/v7").layers(160_000).build())
        .attestations()
        .build();
  }

  /** A single-platform image of small random layers. */
  public static TestImages.Node single(long seed, TestImages.Format format) {
    TestImages images = new TestImages(seed);
    return images.image(format, "linux/amd64").layers(150_000, 20_000).build();
  }

  /**
   * An anonymous registry (TLS, test CA) serving {@code node} at {@code repoAndTag}: the local
   * stand-in for a public source registry. The caller closes it.
   */
  public static RegistryServer serving(String repoAndTag, TestImages.Node node) throws IOException {
    int colon = repoAndTag.lastIndexOf(':');
    RegistryServer registry = RegistryServer.start(RegistryServer.Options.anonymous());
    try {
      push(registry, repoAndTag.substring(0, colon), repoAndTag.substring(colon + 1), node);
      return registry;
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Pushes {@code node} (and everything below it) to {@code repo:tag}. */
  public static void push(RegistryServer registry, String repo, String tag, TestImages.Node node)
      throws IOException {
    new TestImages(0).push(registry.http(), repo, tag, node);
  }

  /** The digest skopeo sees at {@code repoAndRef}. */
  public static String digest(RegistryServer registry, String repoAndRef) throws IOException {
    return Skopeo.digest(registry, repoAndRef);
  }

  /**
   * The digest of the {@code linux/<arch>} image that the index at {@code repoAndRef} lists, as
   * skopeo reads the index.
   */
  public static String platformDigest(RegistryServer registry, String repoAndRef, String arch)
      throws IOException {
    JsonNode index = new ObjectMapper().readTree(Skopeo.inspectRaw(registry, repoAndRef));
    for (JsonNode m : index.path("manifests")) {
      JsonNode p = m.path("platform");
      if (p.path("os").asText().equals("linux") && p.path("architecture").asText().equals(arch)) {
        return m.path("digest").asText();
      }
    }
    throw new AssertionError("no linux/" + arch + " image in " + index);
  }

  /**
   * Asserts that the registry has nothing at {@code repoAndRef}: skopeo is told the manifest (or
   * the repository) is unknown, not refused or cut off.
   */
  public static void assertNoImage(RegistryServer registry, String repoAndRef) {
    IOException e = assertThrows(IOException.class, () -> digest(registry, repoAndRef));
    assertTrue(
        e.getMessage().toLowerCase(Locale.ROOT).matches("(?s).*(manifest|name) unknown.*"),
        "expected nothing at " + repoAndRef + ", skopeo said: " + e.getMessage());
  }

  /** The manifest skopeo reads at {@code repoAndRef}, parsed. */
  public static JsonNode manifest(RegistryServer registry, String repoAndRef) throws IOException {
    return new ObjectMapper().readTree(Skopeo.inspectRaw(registry, repoAndRef));
  }
}
