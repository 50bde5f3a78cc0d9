package io.github.cdkecrdeployment.integ.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import java.io.IOException;
import java.util.Map;

/**
 * What CloudFormation does with one ECR deployment over a stack's life — Create, an Update to
 * another destination tag, Delete — and what each step must leave behind.
 *
 * @param properties the Create's properties
 * @param updatedProperties the Update's properties (the destination tag changed)
 * @param created the Create's response
 * @param updated the Update's response
 * @param deleted the Delete's response
 */
public record Lifecycle(
    Map<String, String> properties,
    Map<String, String> updatedProperties,
    CfnResponse created,
    CfnResponse updated,
    CfnResponse deleted) {

  /**
   * Sends Create, Update ({@code DestImage} tagged {@code updateTag}) and Delete for {@code
   * resource} and asserts CloudFormation's rules and the copy's result at each step:
   *
   * <ul>
   *   <li>every event is answered SUCCESS before the deadline ({@link Expect#succeeded});
   *   <li>Create's PhysicalResourceId is its RequestId, Update and Delete keep it;
   *   <li>Create and Update report {@code Data.ImageDigest = expectedDigest} and {@code
   *       Data.ImageUri = <destination repository>@<digest>};
   *   <li>skopeo reads {@code expectedDigest} at the Create's tag and at the Update's tag, also
   *       after the Delete (which leaves the images in place);
   *   <li>the runtime that served the Create serves the Update and the Delete (no cold start).
   * </ul>
   *
   * @param expectedDigest the digest the destination must hold, known from the source; null only
   *     when the handler writes the manifest itself (an S3 archive), then the Create's reported
   *     digest is what both tags must hold
   */
  public static Lifecycle run(
      LocalDeployment deployment,
      CustomResourceSpec resource,
      Map<String, String> properties,
      String updateTag,
      String expectedDigest)
      throws IOException, InterruptedException {
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(properties);
    CfnResponse created = Expect.succeeded(create, deployment.output());
    // The runtime starts on the first invocation, maybe this Create; it then stays warm.
    int starts = deployment.lambda().starts();
    assertEquals(
        create.event().requestId(), created.physicalResourceId(), "Create: PhysicalResourceId");
    String digest = expectedDigest != null ? expectedDigest : created.data().get("ImageDigest");
    assertNotNull(digest, "Create: Data.ImageDigest in " + created.body());
    assertCopied("Create", deployment, created, properties, digest);

    Map<String, String> updatedProperties =
        LocalDeployment.withDestinationTag(properties, updateTag);
    CfnResponse updated =
        Expect.succeeded(
            driver.update(updatedProperties, properties, created.physicalResourceId()),
            deployment.output());
    assertEquals(
        created.physicalResourceId(),
        updated.physicalResourceId(),
        "Update keeps the PhysicalResourceId (a new one would make CloudFormation delete the old)");
    assertCopied("Update", deployment, updated, updatedProperties, digest);

    CfnResponse deleted =
        Expect.succeeded(
            driver.delete(updatedProperties, updated.physicalResourceId()), deployment.output());
    assertEquals(
        updated.physicalResourceId(), deleted.physicalResourceId(), "Delete: PhysicalResourceId");
    // Delete leaves the images where they are: both tags still hold the digest.
    assertEquals(digest, Images.digest(deployment.ecr(), destination(properties)), "after Delete");
    assertEquals(
        digest, Images.digest(deployment.ecr(), destination(updatedProperties)), "after Delete");
    assertEquals(
        starts,
        deployment.lambda().starts(),
        "the runtime that served the Create stayed warm for the Update and the Delete");
    return new Lifecycle(properties, updatedProperties, created, updated, deleted);
  }

  /** {@code repo:tag} of the Create's destination in the local ECR registry. */
  public String destination() {
    return destination(properties);
  }

  private static void assertCopied(
      String step,
      LocalDeployment deployment,
      CfnResponse response,
      Map<String, String> properties,
      String digest)
      throws IOException {
    assertEquals(digest, response.data().get("ImageDigest"), step + ": Data.ImageDigest");
    assertEquals(
        repositoryUri(properties.get("DestImage")) + "@" + digest,
        response.data().get("ImageUri"),
        step + ": Data.ImageUri");
    assertEquals(
        digest,
        Images.digest(deployment.ecr(), destination(properties)),
        step + ": the digest skopeo reads at " + properties.get("DestImage"));
  }

  private static String destination(Map<String, String> properties) {
    return LocalDeployment.repositoryAndTag(properties.get("DestImage"));
  }

  /** {@code docker://host:port/repo:tag} without the scheme and the tag. */
  private static String repositoryUri(String dockerUri) {
    String uri = dockerUri.substring("docker://".length());
    int colon = uri.indexOf(':', uri.lastIndexOf('/'));
    return colon < 0 ? uri : uri.substring(0, colon);
  }
}
