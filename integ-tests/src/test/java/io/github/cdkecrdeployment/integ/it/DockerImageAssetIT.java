package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.dockerimageasset.DockerImageAssetStack;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.AssetManifest;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.cfn.LocalCloud;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.StackProps;

/**
 * {@code examples/docker-image-asset} end to end: the image asset is "published" to the bootstrap
 * assets repository of the account's ECR registry under its hash (what {@code cdk deploy} does
 * before it deploys), then the handler copies it to the stack's repository in the same registry.
 */
class DockerImageAssetIT {

  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    Path context = Examples.dir("docker-image-asset").resolve("image");
    deployment =
        LocalDeployment.start(
            DockerImageAssetIT.class,
            app ->
                new DockerImageAssetStack(
                    app, "EcrDeploymentDockerImageAsset", StackProps.builder().build(), context),
            o -> {});
    AssetManifest.DockerImageAsset asset = deployment.stack().assets().dockerImages().get(0);
    assertTrue(Files.isRegularFile(asset.directory().resolve("Dockerfile")));
    image = Images.single(21, TestImages.Format.DOCKER);
    Images.push(deployment.ecr(), asset.repositoryName(), asset.imageTag(), image);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertTrue(
        props.get("SrcImage").startsWith("docker://" + LocalCloud.ECR_HOST + ":"),
        props.toString());
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(props);
    CfnResponse created = Expect.succeeded(create, deployment.output());
    assertEquals(create.event().requestId(), created.physicalResourceId());
    assertEquals(image.digest(), created.data().get("ImageDigest"));
    String dest = LocalDeployment.repositoryAndTag(props.get("DestImage"));
    assertEquals(image.digest(), Images.digest(deployment.ecr(), dest));
    assertTrue(dest.endsWith(":" + DockerImageAssetStack.TAG), dest);

    Map<String, String> v2 = LocalDeployment.withDestinationTag(props, "v2");
    CfnResponse updated =
        Expect.succeeded(
            driver.update(v2, props, created.physicalResourceId()), deployment.output());
    assertEquals(created.physicalResourceId(), updated.physicalResourceId());
    assertEquals(
        image.digest(),
        Images.digest(deployment.ecr(), LocalDeployment.repositoryAndTag(v2.get("DestImage"))));

    CfnResponse deleted =
        Expect.succeeded(driver.delete(v2, updated.physicalResourceId()), deployment.output());
    assertEquals(updated.physicalResourceId(), deleted.physicalResourceId());
  }
}
