package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.examples.multiarchindex.MultiArchIndexStack;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.Lifecycle;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.StackProps;

/**
 * {@code examples/multi-arch-index} end to end: the whole index arrives byte for byte (same digest,
 * every platform image and attestation present by digest), and the amd64 and arm64 images also get
 * the example's extra tags.
 */
class MultiArchIndexIT {

  private static final String SOURCE = LocalDeployment.publicEcrPath(MultiArchIndexStack.SOURCE);

  private static RegistryServer gallery;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws Exception {
    gallery = Images.serving(SOURCE, Images.multiArch(41, TestImages.Format.OCI));
    deployment =
        LocalDeployment.start(
            MultiArchIndexIT.class,
            app ->
                new MultiArchIndexStack(
                    app, "EcrDeploymentMultiArchIndex", StackProps.builder().build()),
            o -> o.publicEcrAt(gallery.host()));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, gallery);
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals("true", props.get("CopyImageIndex"));
    String index = Images.digest(gallery, SOURCE);

    Lifecycle done = deployment.createUpdateDelete(resource, props, "nginx-v2", index);

    String dest = done.destination();
    String repo = dest.substring(0, dest.lastIndexOf(':'));
    JsonNode children = Images.manifest(gallery, SOURCE).path("manifests");
    // Three platform images, each with its attestation manifest.
    assertEquals(6, children.size(), children.toString());
    for (JsonNode child : children) {
      String digest = child.path("digest").asText();
      assertEquals(digest, Images.digest(deployment.ecr(), repo + "@" + digest), child.toString());
    }
    for (Map.Entry<String, String> t : MultiArchIndexStack.ARCH_TAGS.entrySet()) {
      assertEquals(
          Images.platformDigest(gallery, SOURCE, t.getKey()),
          Images.digest(deployment.ecr(), repo + ":" + t.getValue()),
          "archImageTags " + t);
    }
  }
}
