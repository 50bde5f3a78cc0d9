package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.examples.vpc.VpcStack;
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
 * {@code examples/vpc} end to end: the synthesized function sits in the VPC's private subnets with
 * a security group (checked in the template; locally the network is the loopback), and the copy
 * runs the same way.
 */
class VpcIT {

  private static final String SOURCE = LocalDeployment.publicEcrPath(VpcStack.SOURCE);

  private static RegistryServer gallery;
  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    image = Images.single(81, TestImages.Format.OCI);
    gallery = Images.serving(SOURCE, image);
    deployment =
        LocalDeployment.start(
            VpcIT.class,
            app -> new VpcStack(app, "EcrDeploymentVpc", StackProps.builder().build()),
            o -> o.publicEcrAt(gallery.host()));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, gallery);
  }

  @Test
  void theFunctionIsInThePrivateSubnets() {
    String fn = deployment.deployment().functionLogicalId();
    JsonNode vpcConfig =
        deployment
            .stack()
            .template()
            .path("Resources")
            .path(fn)
            .path("Properties")
            .path("VpcConfig");
    assertEquals(2, vpcConfig.path("SubnetIds").size(), vpcConfig.toString());
    for (JsonNode subnet : vpcConfig.path("SubnetIds")) {
      String id = subnet.path("Ref").asText();
      assertTrue(id.contains("PrivateSubnet"), "subnet " + id + " is private");
    }
    assertEquals(1, vpcConfig.path("SecurityGroupIds").size(), vpcConfig.toString());
  }

  @Test
  void createUpdateDelete() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    assertEquals("docker://" + gallery.host() + "/" + SOURCE, props.get("SrcImage"));

    Lifecycle done = deployment.createUpdateDelete(resource, props, "alpine-v2", image.digest());

    assertTrue(done.destination().endsWith(":" + VpcStack.TAG), done.destination());
  }
}
