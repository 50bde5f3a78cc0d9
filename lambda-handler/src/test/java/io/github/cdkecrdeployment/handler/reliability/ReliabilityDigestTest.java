package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Manifests and blobs are checked against their digests before anything is tagged: a proxy in front
 * of the source changes one byte of a manifest or a blob on every read; the copy fails, and the
 * destination tag keeps the value it had before (an older image pushed there first).
 */
class ReliabilityDigestTest {
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.anonymous();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final TestImages GEN = new TestImages(1131);
  private static FaultProxy proxy;
  private static Node image;
  private static Node index;
  private static Node old;

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    image = GEN.image(Format.OCI, "linux/amd64").layers(6_000, 2_000).build();
    GEN.push(SOURCE.server().http(), "seed/app", "v1", image);
    index =
        GEN.index(
                Format.OCI,
                GEN.image(Format.OCI, "linux/amd64").layers(3_000).build(),
                GEN.image(Format.OCI, "linux/arm64/v8").layers(3_000).build())
            .build();
    GEN.push(SOURCE.server().http(), "seed/multi", "v1", index);
    old = GEN.image(Format.OCI, "linux/amd64").layers(1_000).build();
    proxy = FaultProxy.start(SOURCE.server());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void reset() {
    proxy.reset();
  }

  /** Copies {@code src} to out/{repo}:v1, which holds {@link #old} before; the FAILED reason. */
  private String copyFails(String src, String repo, Map<String, String> extra) throws Exception {
    GEN.push(DEST.server().http(), "out/" + repo, "v1", old);
    Map<String, String> props =
        new java.util.LinkedHashMap<>(
            CfnEvents.props(
                "docker://" + proxy.host() + "/" + src,
                "docker://" + DEST.server().host() + "/out/" + repo + ":v1"));
    props.putAll(extra);
    JsonNode r = new Deployments(aws.settings().build()).create(cfn, props);
    String reason = Deployments.failedReason(r);
    assertEquals(
        old.digest(),
        DEST.server().http().manifestDigest("out/" + repo, "v1"),
        "the tag keeps its old value: " + reason);
    return reason;
  }

  @Test
  void aCorruptedBlobIsNeverTagged() throws Exception {
    String layer = image.blobs().get(image.blobs().size() - 1).digest();
    proxy.inject(FaultProxy.Fault.corrupt("GET", "/blobs/" + layer, 1000));
    String reason = copyFails("seed/app:v1", "blob", Map.of());
    assertTrue(reason.contains(layer), reason);
  }

  @Test
  void aCorruptedChildManifestIsNeverTagged() throws Exception {
    String child = index.children().get(1).digest();
    proxy.inject(FaultProxy.Fault.corrupt("GET", "/manifests/" + child, 1000));
    String reason = copyFails("seed/multi:v1", "child", Map.of("CopyImageIndex", "true"));
    assertTrue(reason.contains(child), reason);
  }

  @Test
  void aCorruptedManifestByDigestIsNeverTagged() throws Exception {
    proxy.inject(FaultProxy.Fault.corrupt("GET", "/manifests/" + image.digest(), 1000));
    String reason = copyFails("seed/app@" + image.digest(), "by-digest", Map.of());
    assertTrue(reason.contains(image.digest()), reason);
  }

  /**
   * A manifest pulled by tag has no digest in the reference, but the registry names it in {@code
   * Docker-Content-Digest}: bytes that do not match it must not be copied and tagged.
   */
  @Test
  void aCorruptedManifestByTagIsNeverTagged() throws Exception {
    proxy.inject(FaultProxy.Fault.corrupt("GET", "/v2/seed/app/manifests/v1", 1000));
    String reason = copyFails("seed/app:v1", "by-tag", Map.of());
    assertTrue(reason.contains(image.digest()), reason);
  }
}
