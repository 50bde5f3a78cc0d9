package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.dockerhub.DockerHubToEcrStack;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TokenServer;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/docker-hub-to-ecr} end to end: a Docker Hub-like source (token auth, anonymous
 * pulls, a multi-architecture index) copied into the stack's repository by the synthesized handler
 * under the Lambda runtime client; then an Update to another tag and a Delete. Also: the Docker Hub
 * login from the secret the {@code dockerHubSecret} context names, and a copy that cannot finish
 * before the Lambda deadline reports FAILED in time.
 */
class DockerHubToEcrIT {

  private static final String HUB_REPO = "library/nginx";
  private static final String HUB_TAG = "1.27-alpine";

  private static RegistryServer hub;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws IOException {
    hub = RegistryServer.start(RegistryServer.Options.token());
    Images.push(hub, HUB_REPO, HUB_TAG, Images.multiArch(11, TestImages.Format.DOCKER));
    deployment =
        LocalDeployment.start(
            DockerHubToEcrIT.class,
            app -> new DockerHubToEcrStack(app, "DockerHubToEcr"),
            o -> o.rewrite("docker://nginx:", "docker://" + hub.host() + "/" + HUB_REPO + ":"));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, hub);
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals("docker://" + hub.host() + "/" + HUB_REPO + ":" + HUB_TAG, props.get("SrcImage"));
    // Without imageArch, an index source yields its linux/amd64 image.
    String amd64 = Images.platformDigest(hub, HUB_REPO + ":" + HUB_TAG, "amd64");

    deployment.createUpdateDelete(resource, props, "updated", amd64);
  }

  @Test
  void logsInWithTheSecretNamedByTheDockerHubSecretContext() throws Exception {
    // Like a private repository (or an exhausted anonymous pull quota): no token without a login.
    hub.tokenServer().policy((user, repo, requested) -> user == null ? Set.of() : requested);
    IOException refused =
        assertThrows(
            IOException.class,
            () ->
                Skopeo.run(
                    List.of(
                        "inspect",
                        "--raw",
                        "--cert-dir=" + hub.ca().certDir(),
                        "docker://" + hub.host() + "/" + HUB_REPO + ":" + HUB_TAG),
                    60),
            "anonymous pulls are refused now");
    assertTrue(
        refused.getMessage().toLowerCase(Locale.ROOT).matches("(?s).*(unauthori[sz]ed|denied).*"),
        "refused for want of a login: " + refused.getMessage());
    try (LocalDeployment withLogin =
        LocalDeployment.start(
            DockerHubToEcrIT.class,
            app -> {
              app.getNode().setContext("dockerHubSecret", "dockerhub/login");
              return new DockerHubToEcrStack(app, "DockerHubToEcr");
            },
            o -> o.rewrite("docker://nginx:", "docker://" + hub.host() + "/" + HUB_REPO + ":"))) {
      withLogin
          .aws()
          .secret("dockerhub/login", RegistryServer.USER + ":" + RegistryServer.PASSWORD);
      CustomResourceSpec resource = withLogin.deployment();
      Map<String, String> props = withLogin.properties(resource);
      assertEquals("dockerhub/login", props.get("SrcCreds"));

      CustomResourceDriver.Exchange create = withLogin.driver(resource).create(props);
      CfnResponse created = Expect.succeeded(create, withLogin.output());
      String expected = Images.platformDigest(hub, HUB_REPO + ":" + HUB_TAG, "amd64");
      assertEquals(expected, created.data().get("ImageDigest"));
      assertEquals(
          expected,
          Images.digest(withLogin.ecr(), LocalDeployment.repositoryAndTag(props.get("DestImage"))));
      assertTrue(
          withLogin.aws().calls().stream().anyMatch(c -> c.target().endsWith("GetSecretValue")),
          "the handler read the secret: " + withLogin.aws().calls());
      assertFalse(withLogin.output().contains(RegistryServer.PASSWORD), "password logged");
    } finally {
      hub.tokenServer().policy(TokenServer.Policy.DEFAULT);
    }
  }

  @Test
  void aCopyThatCannotFinishBeforeTheDeadlineFailsBeforeIt() throws Exception {
    Images.push(hub, "library/slow", "1", Images.single(12, TestImages.Format.OCI));
    try (FaultProxy slow = FaultProxy.start(hub)) {
      // Every blob download hangs far longer than the time the function has.
      slow.inject(FaultProxy.Fault.stall("GET", "/blobs/sha256:", 100, Duration.ofSeconds(120)));
      CustomResourceSpec resource = deployment.deployment();
      Map<String, String> props = new LinkedHashMap<>(deployment.properties(resource));
      props.put("SrcImage", "docker://" + slow.host() + "/library/slow:1");
      props = LocalDeployment.withDestinationTag(props, "never");
      // The handler keeps a 30 s margin for its answer: 40 s leave it 10 s to copy.
      Duration limit = Duration.ofSeconds(40);
      Instant start = Instant.now();
      CustomResourceDriver.Exchange create = deployment.driver(resource).createWithin(props, limit);
      CfnResponse failed = Expect.failed(create, deployment.output());
      assertTrue(
          Duration.between(start, create.invocation().completedAt()).compareTo(limit) < 0,
          "answered before the deadline");
      assertTrue(
          failed.reason().contains("did not finish in time"),
          "reason says the time ran out: " + failed.reason());
      // Nothing half-copied is tagged.
      Images.assertNoImage(
          deployment.ecr(), LocalDeployment.repositoryAndTag(props.get("DestImage")));
    }
  }
}
