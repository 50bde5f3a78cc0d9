package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.examples.multiarchindex.MultiArchIndexStack;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
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

  private static final String REPO = "docker/library/nginx";
  private static final String TAG = "stable";

  private static RegistryServer gallery;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws Exception {
    gallery = RegistryServer.start(RegistryServer.Options.anonymous());
    Images.push(gallery, REPO, TAG, Images.multiArch(41, TestImages.Format.OCI));
    deployment =
        LocalDeployment.start(
            MultiArchIndexIT.class,
            app ->
                new MultiArchIndexStack(
                    app, "EcrDeploymentMultiArchIndex", StackProps.builder().build()),
            o -> o.rewrite("docker://public.ecr.aws/", "docker://" + gallery.host() + "/"));
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
    if (gallery != null) {
      gallery.close();
    }
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals("true", props.get("CopyImageIndex"));
    String index = Images.digest(gallery, REPO + ":" + TAG);
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(props);
    CfnResponse created = Expect.succeeded(create, deployment.output());
    assertEquals(create.event().requestId(), created.physicalResourceId());
    assertEquals(index, created.data().get("ImageDigest"));
    String dest = LocalDeployment.repositoryAndTag(props.get("DestImage"));
    assertEquals(index, Images.digest(deployment.ecr(), dest));
    String repo = dest.substring(0, dest.lastIndexOf(':'));
    JsonNode listed = Images.manifest(gallery, REPO + ":" + TAG);
    for (JsonNode child : listed.path("manifests")) {
      String digest = child.path("digest").asText();
      assertEquals(digest, Images.digest(deployment.ecr(), repo + "@" + digest));
    }
    for (Map.Entry<String, String> t : MultiArchIndexStack.ARCH_TAGS.entrySet()) {
      assertEquals(
          Images.platformDigest(gallery, REPO + ":" + TAG, t.getKey()),
          Images.digest(deployment.ecr(), repo + ":" + t.getValue()),
          "archImageTags " + t);
    }

    Map<String, String> v2 = LocalDeployment.withDestinationTag(props, "nginx-v2");
    CfnResponse updated =
        Expect.succeeded(
            driver.update(v2, props, created.physicalResourceId()), deployment.output());
    assertEquals(created.physicalResourceId(), updated.physicalResourceId());
    assertEquals(index, updated.data().get("ImageDigest"));
    assertTrue(listed.path("manifests").size() >= 3);

    CfnResponse deleted =
        Expect.succeeded(driver.delete(v2, updated.physicalResourceId()), deployment.output());
    assertEquals(updated.physicalResourceId(), deleted.physicalResourceId());
  }
}
