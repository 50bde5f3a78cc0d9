package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.only;
import static io.github.cdkecrdeployment.Fixture.properties;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.assertions.Template;

/**
 * What a stack migrated from the jsii binding must see unchanged: logical ids, property keys and
 * values, and an asset hash that depends only on the handler jar's bytes.
 */
class WireContractTest {
  @TempDir Path outdir;

  @Test
  void logicalIdsEqualUpstreams() {
    Fixture f = new Fixture(outdir);
    f.deployment("DeployImageIndex").build();

    Template template = f.template();
    assertEquals(
        Set.of("CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiB28EAD8E4"),
        template.findResources("AWS::Lambda::Function").keySet());
    assertEquals(
        Set.of("CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiBServiceRole8C8B0491"),
        template.findResources("AWS::IAM::Role").keySet());
    assertEquals(
        Set.of(
            "CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiBServiceRoleDefaultPolicy280095F8"),
        template.findResources("AWS::IAM::Policy").keySet());
    assertEquals(
        Set.of("DeployImageIndexCustomResource44E1D965"),
        template.findResources(RESOURCE_TYPE).keySet());
  }

  @Test
  void aPlainDeploymentSendsOnlyTheUpstreamKeys() {
    Fixture f = new Fixture(outdir);
    f.deployment("ECR")
        .src(new DockerImageName("nginx:latest"))
        .dest(new DockerImageName("ghcr.io/o/r:1"))
        .build();

    Map<String, Object> props = properties(only(f.template(), RESOURCE_TYPE));
    assertEquals(Set.of("ServiceToken", "SrcImage", "DestImage"), props.keySet(), props::toString);
    assertEquals("docker://nginx:latest", props.get("SrcImage"));
    assertEquals("docker://ghcr.io/o/r:1", props.get("DestImage"));
    assertEquals(
        Map.of(
            "Fn::GetAtt",
            List.of("CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiB28EAD8E4", "Arn")),
        props.get("ServiceToken"));
  }

  @Test
  void everyPropertyIsRenderedAsUpstreamRendersIt() {
    Fixture f = new Fixture(outdir);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("arm64", "copied-arm64");
    tags.put("amd64", "copied-amd64");
    Map<String, Number> retry = new LinkedHashMap<>();
    retry.put("numAttempts", 3);
    retry.put("baseDelay", 1.5);
    retry.put("maxDelay", 5.0);
    f.deployment("ECR")
        .src(new S3ArchiveName("bucket/app.tar", "app:1", "src-user:src-pass"))
        .dest(new DockerImageName("registry.example.com/app:1", "my-secret"))
        .copyImageIndex(true)
        .archImageTags(tags)
        .retryConfigs(retry)
        .build();

    Map<String, Object> props = properties(only(f.template(), RESOURCE_TYPE));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("SrcImage", "s3://bucket/app.tar:app:1");
    expected.put("SrcCreds", "src-user:src-pass");
    expected.put("DestImage", "docker://registry.example.com/app:1");
    expected.put("DestCreds", "my-secret");
    expected.put("CopyImageIndex", true);
    // JSON.stringify of the maps: keys in insertion order, whole numbers without a fraction.
    expected.put("ArchImageTags", "{\"arm64\":\"copied-arm64\",\"amd64\":\"copied-amd64\"}");
    expected.put("RetryConfigs", "{\"numAttempts\":3,\"baseDelay\":1.5,\"maxDelay\":5}");
    props.remove("ServiceToken");
    assertEquals(expected, props);
  }

  @Test
  void falseCopyImageIndexAndEmptyImageArchElementAreLeftOut() {
    Fixture f = new Fixture(outdir);
    f.deployment("ECR").copyImageIndex(false).imageArch(List.of("")).build();

    Map<String, Object> props = properties(only(f.template(), RESOURCE_TYPE));
    assertEquals(
        Set.of("ServiceToken", "SrcImage", "SrcCreds", "DestImage"),
        props.keySet(),
        props::toString);
  }

  @Test
  void tokensInsideRetryConfigsAndArchImageTagsAreResolved() {
    Fixture f = new Fixture(outdir);
    CfnParameter attempts = CfnParameter.Builder.create(f.stack, "Attempts").type("Number").build();
    CfnParameter tag = CfnParameter.Builder.create(f.stack, "Tag").build();
    f.deployment("ECR")
        .copyImageIndex(true)
        .archImageTags(Map.of("arm64", tag.getValueAsString()))
        .retryConfigs(Map.of("numAttempts", attempts.getValueAsNumber()))
        .build();

    Map<String, Object> props = properties(only(f.template(), RESOURCE_TYPE));
    assertEquals(
        Map.of(
            "Fn::Join", List.of("", List.of("{\"numAttempts\":", Map.of("Ref", "Attempts"), "}"))),
        props.get("RetryConfigs"));
    assertEquals(
        Map.of("Fn::Join", List.of("", List.of("{\"arm64\":\"", Map.of("Ref", "Tag"), "\"}"))),
        props.get("ArchImageTags"));
  }

  @Test
  void digestAndUriAreAttributesOfTheCustomResource() {
    Fixture f = new Fixture(outdir);
    ECRDeployment d = f.deployment("DeployImageIndex").build();

    assertEquals(
        Map.of("Fn::GetAtt", List.of("DeployImageIndexCustomResource44E1D965", "ImageDigest")),
        f.stack.resolve(d.getImageDigest()));
    assertEquals(
        Map.of("Fn::GetAtt", List.of("DeployImageIndexCustomResource44E1D965", "ImageUri")),
        f.stack.resolve(d.getImageUri()));
  }

  @Test
  void theAssetIsTheBundledHandlerJarAndItsHashDependsOnlyOnItsBytes(@TempDir Path other)
      throws IOException {
    Fixture first = new Fixture(outdir);
    first.deployment("ECR").build();
    Fixture second = new Fixture(other);
    second.deployment("Other").memoryLimit(1024).build();

    String key = s3Key(first.template());
    assertEquals(key, s3Key(second.template()));
    assertTrue(key.matches("[0-9a-f]{64}\\.jar"), key);

    Path staged = outdir.resolve("asset." + key);
    byte[] bundled;
    try (InputStream in =
        getClass().getResourceAsStream("/io/github/cdkecrdeployment/internal/handler.jar")) {
      bundled = in.readAllBytes();
    }
    assertArrayEquals(bundled, Files.readAllBytes(staged));
  }

  @SuppressWarnings("unchecked")
  private static String s3Key(final Template template) {
    Map<String, Object> code =
        (Map<String, Object>) properties(only(template, "AWS::Lambda::Function")).get("Code");
    return (String) code.get("S3Key");
  }
}
