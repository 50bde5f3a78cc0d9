package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.examples.s3archive.S3ArchiveStack;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.integ.cfn.AssetManifest;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CfnResponse;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awscdk.StackProps;

/**
 * {@code examples/s3-archive} end to end: the {@code docker save} tarball is "published" as the
 * file asset to the account's assets bucket (s3proxy), and the handler copies the image tagged
 * {@code example/hello:1.0} inside it to the stack's repository; the image config arrives byte for
 * byte.
 */
class S3ArchiveIT {

  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

  private static Path archive;
  private static LocalDeployment deployment;

  @BeforeAll
  static void start() throws Exception {
    archive = Examples.dir("s3-archive").resolve("image").resolve("hello.tar");
    deployment =
        LocalDeployment.start(
            S3ArchiveIT.class,
            app ->
                new S3ArchiveStack(
                    app, "EcrDeploymentS3Archive", StackProps.builder().build(), archive),
            o ->
                o.environment("AWS_ENDPOINT_URL_S3", S3.endpoint().toString())
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
        props.get("SrcImage").startsWith("s3://cdk-hnb659fds-assets-123456789012-us-east-1/"),
        props.toString());
    assertTrue(
        props.get("SrcImage").endsWith(".tar:" + S3ArchiveStack.ARCHIVE_TAG), props.toString());
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange create = driver.create(props);
    CfnResponse created = Expect.succeeded(create, deployment.output());
    assertEquals(create.event().requestId(), created.physicalResourceId());
    String dest = LocalDeployment.repositoryAndTag(props.get("DestImage"));
    String digest = Images.digest(deployment.ecr(), dest);
    assertEquals(digest, created.data().get("ImageDigest"));
    JsonNode manifest = Images.manifest(deployment.ecr(), dest);
    assertEquals(
        configDigestInArchive(archive),
        manifest.path("config").path("digest").asText(),
        "the image config is copied byte for byte");

    Map<String, String> v2 = LocalDeployment.withDestinationTag(props, "hello-v2");
    CfnResponse updated =
        Expect.succeeded(
            driver.update(v2, props, created.physicalResourceId()), deployment.output());
    assertEquals(created.physicalResourceId(), updated.physicalResourceId());
    assertEquals(
        digest,
        Images.digest(deployment.ecr(), LocalDeployment.repositoryAndTag(v2.get("DestImage"))));

    CfnResponse deleted =
        Expect.succeeded(driver.delete(v2, updated.physicalResourceId()), deployment.output());
    assertEquals(updated.physicalResourceId(), deleted.physicalResourceId());
  }

  /** {@code sha256:} + the config file named by the archive's {@code manifest.json}. */
  private static String configDigestInArchive(Path tar) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "-xOf", tar.toString(), "manifest.json").start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("tar -xOf " + tar + " manifest.json failed");
    }
    String config = new ObjectMapper().readTree(out).get(0).path("Config").asText();
    return "sha256:" + config.replace(".json", "").replace("blobs/sha256/", "");
  }
}
