package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.specificarchitecture.SpecificArchitectureStack;
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
 * {@code examples/specific-architecture} end to end: from a multi-architecture index (OCI, with
 * attestations) only the linux/arm64 image arrives, under the example's tag.
 */
class SpecificArchitectureIT {

  private static final String REPO = "docker/library/nginx";
  private static final String TAG = "stable";

  private static RegistryServer gallery;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws Exception {
    gallery = RegistryServer.start(RegistryServer.Options.anonymous());
    Images.push(gallery, REPO, TAG, Images.multiArch(31, TestImages.Format.OCI));
    deployment =
        LocalDeployment.start(
            SpecificArchitectureIT.class,
            app ->
                new SpecificArchitectureStack(
                    app, "EcrDeploymentSpecificArchitecture", StackProps.builder().build()),
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
    assertEquals("arm64", props.get("ImageArch"));
    String arm64 = Images.platformDigest(gallery, REPO + ":" + TAG, "arm64");
    assertNotEquals(Images.digest(gallery, REPO + ":" + TAG), arm64);
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(props);
    CfnResponse created = Expect.succeeded(create, deployment.output());
    assertEquals(create.event().requestId(), created.physicalResourceId());
    assertEquals(arm64, created.data().get("ImageDigest"));
    String dest = LocalDeployment.repositoryAndTag(props.get("DestImage"));
    assertEquals(arm64, Images.digest(deployment.ecr(), dest));
    // A single image, not the index.
    assertTrue(Images.manifest(deployment.ecr(), dest).has("config"));

    Map<String, String> v2 = LocalDeployment.withDestinationTag(props, "arm64-v2");
    CfnResponse updated =
        Expect.succeeded(
            driver.update(v2, props, created.physicalResourceId()), deployment.output());
    assertEquals(created.physicalResourceId(), updated.physicalResourceId());
    assertEquals(
        arm64,
        Images.digest(deployment.ecr(), LocalDeployment.repositoryAndTag(v2.get("DestImage"))));

    CfnResponse deleted =
        Expect.succeeded(driver.delete(v2, updated.physicalResourceId()), deployment.output());
    assertEquals(updated.physicalResourceId(), deleted.physicalResourceId());
  }
}
