package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.examples.retryconfig.RetryConfigStack;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
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
 * {@code examples/retry-config} end to end: the {@code RetryConfigs} JSON reaches the handler, and
 * a source that answers 503 to the first manifest requests and drops a blob download still yields a
 * complete copy.
 */
class RetryConfigIT {

  private static final String SOURCE = LocalDeployment.publicEcrPath(RetryConfigStack.SOURCE);

  private static RegistryServer gallery;
  private static FaultProxy flaky;
  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    image = Images.single(71, TestImages.Format.DOCKER);
    gallery = Images.serving(SOURCE, image);
    flaky = FaultProxy.start(gallery);
    deployment =
        LocalDeployment.start(
            RetryConfigIT.class,
            app ->
                new RetryConfigStack(app, "EcrDeploymentRetryConfig", StackProps.builder().build()),
            o -> o.publicEcrAt(flaky.host()));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, flaky, gallery);
  }

  @Test
  void createUpdateDeleteThroughAFlakySource() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals(
        new ObjectMapper().valueToTree(RetryConfigStack.RETRY),
        new ObjectMapper().readTree(props.get("RetryConfigs")));
    flaky.inject(FaultProxy.Fault.status("GET", "/manifests/", 2, 503));
    flaky.inject(FaultProxy.Fault.drop("GET", "/blobs/sha256:", 1));

    deployment.createUpdateDelete(resource, props, "busybox-v2", image.digest());

    // Both faults were really served (status 0: the connection was dropped).
    assertEquals(
        2, flaky.requests().stream().filter(r -> r.status() == 503).count(), "" + flaky.requests());
    assertEquals(
        1, flaky.requests().stream().filter(r -> r.status() == 0).count(), "" + flaky.requests());
  }

  @Test
  void invalidRetryConfigsFailAndTheRollbackDeleteSucceeds() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props =
        new LinkedHashMap<>(
            LocalDeployment.withDestinationTag(deployment.properties(resource), "never"));
    props.put("RetryConfigs", "{\"numAttempts\":0,\"baseDelay\":1,\"maxDelay\":5}");
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(props);
    CfnResponse failed = Expect.failed(create, deployment.output());
    assertTrue(failed.reason().contains("numAttempts"), "the reason names the bad key: " + failed);
    Images.assertNoImage(
        deployment.ecr(), LocalDeployment.repositoryAndTag(props.get("DestImage")));

    // CloudFormation then rolls back with a Delete of what the Create answered; it must not fail,
    // or the stack would be stuck in DELETE_FAILED.
    CfnResponse deleted =
        Expect.succeeded(driver.delete(props, failed.physicalResourceId()), deployment.output());
    assertEquals(failed.physicalResourceId(), deleted.physicalResourceId());
  }
}
