package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.dockerimageasset.DockerImageAssetStack;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.AssetManifest;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.cfn.LocalCloud;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.Lifecycle;
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
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment);
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertTrue(
        props.get("SrcImage").startsWith("docker://" + LocalCloud.ECR_HOST + ":"),
        props.toString());

    Lifecycle done = deployment.createUpdateDelete(resource, props, "v2", image.digest());

    assertTrue(done.destination().endsWith(":" + DockerImageAssetStack.TAG), done.destination());
  }
}
