package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.Repository;

/**
 * Two deployments in one stack share one singleton function: the template has one function, and one
 * warm runtime serves both Create events, each copying its own image.
 */
class SharedHandlerIT {

  private static RegistryServer gallery;
  private static LocalDeployment deployment;
  private static TestImages.Node first;
  private static TestImages.Node second;

  @BeforeAll
  static void start() throws Exception {
    gallery = RegistryServer.start(RegistryServer.Options.anonymous());
    first = Images.single(91, TestImages.Format.OCI);
    second = Images.single(92, TestImages.Format.DOCKER);
    Images.push(gallery, "team/first", "1", first);
    Images.push(gallery, "team/second", "2", second);
    deployment =
        LocalDeployment.start(
            SharedHandlerIT.class,
            app -> {
              Stack stack = new Stack(app, "EcrDeploymentTwoInOne");
              Repository repo = Repository.Builder.create(stack, "Repo").build();
              ECRDeployment.Builder.create(stack, "First")
                  .src(new DockerImageName("source.example/team/first:1"))
                  .dest(new DockerImageName(repo.getRepositoryUri() + ":first"))
                  .build();
              ECRDeployment.Builder.create(stack, "Second")
                  .src(new DockerImageName("source.example/team/second:2"))
                  .dest(new DockerImageName(repo.getRepositoryUri() + ":second"))
                  .build();
              return stack;
            },
            o -> o.rewrite("docker://source.example/", "docker://" + gallery.host() + "/"));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, gallery);
  }

  @Test
  void oneFunctionServesBothDeployments() throws Exception {
    List<CustomResourceSpec> resources = deployment.deployments();
    assertEquals(2, resources.size());
    assertEquals(1, deployment.stack().resources("AWS::Lambda::Function").size());
    assertEquals(resources.get(0).functionLogicalId(), resources.get(1).functionLogicalId());

    for (CustomResourceSpec resource : resources) {
      Map<String, String> props = deployment.properties(resource);
      CustomResourceDriver.Exchange create = deployment.driver(resource).create(props);
      CfnResponse created = Expect.succeeded(create, deployment.output());
      // Logical ids start with the construct id.
      String digest = (resource.logicalId().startsWith("First") ? first : second).digest();
      assertEquals(digest, created.data().get("ImageDigest"), resource.logicalId());
      assertEquals(
          digest,
          Images.digest(
              deployment.ecr(), LocalDeployment.repositoryAndTag(props.get("DestImage"))));
    }
    assertEquals(1, deployment.lambda().starts(), "one runtime served both");
  }
}
