package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.examples.s3archive.S3ArchiveStack;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.integ.cfn.AssetManifest;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.Lifecycle;
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
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment);
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

    // The handler writes the manifest itself, so its digest is known only from the Create.
    Lifecycle done = deployment.createUpdateDelete(resource, props, "hello-v2", null);

    JsonNode manifest = Images.manifest(deployment.ecr(), done.destination());
    JsonNode archived = manifestInArchive(archive);
    assertEquals(
        "sha256:"
            + archived.path("Config").asText().replace(".json", "").replace("blobs/sha256/", ""),
        manifest.path("config").path("digest").asText(),
        "the image config is copied byte for byte");
    assertEquals(
        archived.path("Layers").size(),
        manifest.path("layers").size(),
        "every layer of the archive: " + manifest);
  }

  /** The image's entry in the archive's {@code manifest.json} (its Config file and Layers). */
  private static JsonNode manifestInArchive(Path tar) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "-xOf", tar.toString(), "manifest.json").start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("tar -xOf " + tar + " manifest.json failed");
    }
    JsonNode manifest = new ObjectMapper().readTree(out);
    assertEquals(1, manifest.size(), "one image in " + tar + ": " + manifest);
    return manifest.get(0);
  }
}
