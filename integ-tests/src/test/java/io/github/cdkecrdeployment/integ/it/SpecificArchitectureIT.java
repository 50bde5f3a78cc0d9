package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.specificarchitecture.SpecificArchitectureStack;
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
 * {@code examples/specific-architecture} end to end: from a multi-architecture index (OCI, with
 * attestations) only the linux/arm64 image arrives, under the example's tag.
 */
class SpecificArchitectureIT {

  private static final String SOURCE =
      LocalDeployment.publicEcrPath(SpecificArchitectureStack.SOURCE);

  private static RegistryServer gallery;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws Exception {
    gallery = Images.serving(SOURCE, Images.multiArch(31, TestImages.Format.OCI));
    deployment =
        LocalDeployment.start(
            SpecificArchitectureIT.class,
            app ->
                new SpecificArchitectureStack(
                    app, "EcrDeploymentSpecificArchitecture", StackProps.builder().build()),
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
    assertEquals(SpecificArchitectureStack.ARCHITECTURE, props.get("ImageArch"));
    String arm64 = Images.platformDigest(gallery, SOURCE, "arm64");
    assertNotEquals(Images.digest(gallery, SOURCE), arm64);

    Lifecycle done = deployment.createUpdateDelete(resource, props, "arm64-v2", arm64);

    assertTrue(
        done.destination().endsWith(":" + SpecificArchitectureStack.TAG), done.destination());
    // A single image, not the index.
    assertTrue(Images.manifest(deployment.ecr(), done.destination()).has("config"));
  }
}
