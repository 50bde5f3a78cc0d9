package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.examples.typedecr.TypedEcrStack;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.AssetManifest;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awscdk.StackProps;

/**
 * {@code examples/typed-ecr} end to end: a tarball asset and a private registry image (credentials
 * from an {@code ISecret}) copied into a typed ECR repository under several tags; Create, Update,
 * and a Delete with {@code RemovalPolicy.DESTROY} that asks the ECR API to remove exactly the tags
 * the deployment pushed.
 */
class TypedEcrIT {
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

  private static final String HOST = "registry.test";
  private static final String REPO = "team/private-app";
  private static final String DELETE = "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage";

  private static RegistryServer registry;
  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start(RegistryServer.Options.basic());
    image = Images.single(93, TestImages.Format.OCI);
    Images.push(registry, REPO, "1.0", image);
    String source = HOST + ":" + registry.port() + "/" + REPO + ":1.0";
    Path archive = Examples.dir("typed-ecr").resolve("image").resolve("hello.tar");
    deployment =
        LocalDeployment.start(
            TypedEcrIT.class,
            app ->
                new TypedEcrStack(
                    app,
                    "EcrDeploymentTypedEcr",
                    StackProps.builder().build(),
                    archive,
                    source,
                    TypedEcrStack.DEFAULT_SECRET),
            o ->
                o.resolveToLoopback(HOST)
                    .environment("AWS_ENDPOINT_URL_S3", S3.endpoint().toString())
                    // The execution role's credentials, as the local S3 accepts them.
                    .environment("AWS_ACCESS_KEY_ID", S3ProxyExtension.ACCESS_KEY)
                    .environment("AWS_SECRET_ACCESS_KEY", S3ProxyExtension.SECRET_KEY));
    // What cdk deploy's asset publishing does before the stack is deployed.
    AssetManifest.FileAsset asset =
        deployment.stack().assets().files().stream()
            .filter(f -> f.objectKey().endsWith(".tar"))
            .findFirst()
            .orElseThrow();
    S3.createBucket(asset.bucketName());
    S3.put(asset.bucketName(), asset.objectKey(), Files.readAllBytes(asset.source()));
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, registry);
  }

  private static CustomResourceSpec resource(String idPrefix) {
    return deployment.deployments().stream()
        .filter(r -> r.logicalId().startsWith(idPrefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + idPrefix + " in the stack"));
  }

  @Test
  void aPrivateImageWithSecretCredentialsGetsEveryTagAndDestroyRemovesThem() throws Exception {
    CustomResourceSpec resource = resource("MirrorPrivate");
    Map<String, String> props = deployment.properties(resource);
    String secretArn = props.get("SrcCreds");
    assertTrue(
        secretArn.startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:"),
        "the template holds the secret's ARN, never its value: " + props);
    assertEquals("[\"mirror-stable\"]", props.get("AdditionalTags"));
    assertEquals("destroy", props.get("RemovalPolicy"));
    // Secret.fromSecretNameV2 puts the partial ARN (no random suffix) in the template; the
    // service, like the stub, finds a secret stored under that name by its partial ARN.
    String secretName = secretArn.substring(secretArn.indexOf(":secret:") + ":secret:".length());
    deployment.aws().secret(secretName, RegistryServer.SECRET_JSON);

    List<String> tags =
        lifecycle(resource, props, image.digest(), List.of("mirror", "mirror-stable"), "mirror-v2");
    assertEquals(List.of("mirror-v2", "mirror-stable"), tags);
    assertFalse(deployment.output().contains(RegistryServer.PASSWORD), "password in the log");
  }

  @Test
  void aTarballAssetGetsEveryTagAndDestroyRemovesThem() throws Exception {
    CustomResourceSpec resource = resource("DeployFromAsset");
    Map<String, String> props = deployment.properties(resource);
    assertTrue(
        props.get("SrcImage").endsWith(".tar:" + TypedEcrStack.ARCHIVE_TAG), props.toString());
    assertEquals("[\"stable\"]", props.get("AdditionalTags"));

    // The handler writes the manifest itself, so its digest is known only from the Create.
    List<String> tags = lifecycle(resource, props, null, List.of("1.0", "stable"), "1.1");
    assertEquals(List.of("1.1", "stable"), tags);
  }

  /**
   * Create (every tag at the digest), Update to {@code updateTag} (the additional tags still at the
   * digest), Delete (SUCCESS, one BatchDeleteImage for the deployment's repository).
   *
   * @return the tags the Delete asked ECR to remove
   */
  private static List<String> lifecycle(
      CustomResourceSpec resource,
      Map<String, String> props,
      String expectedDigest,
      List<String> createTags,
      String updateTag)
      throws Exception {
    CustomResourceDriver driver = deployment.driver(resource);
    CfnResponse created = Expect.succeeded(driver.create(props), deployment.output());
    String digest = expectedDigest != null ? expectedDigest : created.data().get("ImageDigest");
    assertEquals(digest, created.data().get("ImageDigest"));
    String repo = repository(props.get("DestImage"));
    for (String tag : createTags) {
      assertEquals(digest, Images.digest(deployment.ecr(), repo + ":" + tag), "Create: " + tag);
    }

    Map<String, String> updated = LocalDeployment.withDestinationTag(props, updateTag);
    CfnResponse upd =
        Expect.succeeded(
            driver.update(updated, props, created.physicalResourceId()), deployment.output());
    assertEquals(created.physicalResourceId(), upd.physicalResourceId());
    assertEquals(digest, upd.data().get("ImageDigest"));
    assertEquals(digest, Images.digest(deployment.ecr(), repo + ":" + updateTag), "Update");

    int before = deployment.aws().calls(DELETE).size();
    CfnResponse deleted =
        Expect.succeeded(driver.delete(updated, upd.physicalResourceId()), deployment.output());
    assertEquals(upd.physicalResourceId(), deleted.physicalResourceId());
    List<AwsApiStub.Call> calls = deployment.aws().calls(DELETE);
    assertEquals(before + 1, calls.size(), "one BatchDeleteImage: " + calls);
    JsonNode body = calls.get(calls.size() - 1).body();
    assertEquals(repo, body.path("repositoryName").asText());
    assertEquals("123456789012", body.path("registryId").asText());
    List<String> tags = new ArrayList<>();
    body.path("imageIds").forEach(id -> tags.add(id.path("imageTag").asText()));
    return tags;
  }

  /** The repository of a {@code docker://} destination in the local ECR registry. */
  private static String repository(String dockerUri) {
    String repoAndTag = LocalDeployment.repositoryAndTag(dockerUri);
    return repoAndTag.substring(0, repoAndTag.lastIndexOf(':'));
  }
}
