package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.examples.privateregistry.PrivateRegistryStack;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.StackProps;

/**
 * {@code examples/private-registry} end to end: the source registry wants basic auth; the
 * credentials come from the Secrets Manager secret the stack names (JSON form), read by the handler
 * through the AWS API stub. With a secret holding a wrong password the deployment FAILS with a
 * clear reason, and that password appears nowhere in the function's output or the response.
 */
class PrivateRegistryIT {

  private static final String HOST = "registry.test";
  private static final String REPO = "team/private-app";
  private static final String WRONG_PASSWORD = "Wr0ng-pa55word-4-integ";

  private static RegistryServer registry;
  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start(RegistryServer.Options.basic());
    image = Images.single(61, TestImages.Format.OCI);
    Images.push(registry, REPO, "1.0", image);
    // The test CA's certificate covers registry.test, which the function resolves to 127.0.0.1.
    String source = HOST + ":" + registry.port() + "/" + REPO + ":1.0";
    deployment =
        LocalDeployment.start(
            PrivateRegistryIT.class,
            app ->
                new PrivateRegistryStack(
                    app,
                    "EcrDeploymentPrivateRegistry",
                    StackProps.builder().build(),
                    source,
                    PrivateRegistryStack.DEFAULT_SECRET),
            o -> o.resolveToLoopback(HOST));
    deployment
        .aws()
        .secret(PrivateRegistryStack.DEFAULT_SECRET, RegistryServer.SECRET_JSON)
        .secret("cdk-ecr-deployment/wrong", RegistryServer.USER + ":" + WRONG_PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, registry);
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals(PrivateRegistryStack.DEFAULT_SECRET, props.get("SrcCreds"));

    deployment.createUpdateDelete(resource, props, "private-app-v2", image.digest());

    assertTrue(
        deployment.aws().calls().stream().anyMatch(c -> c.target().endsWith("GetSecretValue")),
        "the handler read the secret: " + deployment.aws().calls());
    assertFalse(
        deployment.output().contains(RegistryServer.PASSWORD),
        "the registry password must never be logged");
  }

  @Test
  void wrongCredentialsFailClearlyWithoutLeakingThePassword() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = new LinkedHashMap<>(deployment.properties(resource));
    props.put("SrcCreds", "cdk-ecr-deployment/wrong");
    props = LocalDeployment.withDestinationTag(props, "wrong-creds");

    CustomResourceDriver.Exchange create = deployment.driver(resource).create(props);
    CfnResponse failed = Expect.failed(create, deployment.output());
    String reason = failed.reason();
    assertTrue(
        reason.contains(HOST) || reason.contains(REPO), "the reason names the registry: " + reason);
    assertTrue(
        reason
            .toLowerCase(java.util.Locale.ROOT)
            .matches("(?s).*(unauthori[sz]ed|401|denied|credential).*"),
        "the reason says the credentials were refused: " + reason);
    assertFalse(reason.contains(WRONG_PASSWORD), "password in the reason: " + reason);
    Images.assertNoImage(
        deployment.ecr(), LocalDeployment.repositoryAndTag(props.get("DestImage")));
    assertFalse(failed.body().contains(WRONG_PASSWORD), "password in the response");
    assertFalse(
        deployment.output().contains(WRONG_PASSWORD),
        "the password must not appear in the function's stdout or stderr");
  }
}
