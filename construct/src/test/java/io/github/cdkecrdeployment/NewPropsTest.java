package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.only;
import static io.github.cdkecrdeployment.Fixture.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.assets.Asset;

/** The props this library adds: their properties, function options and image names. */
class NewPropsTest {
  private static final String FUNCTION_512 =
      "CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiB28EAD8E4";

  @TempDir Path outdir;
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
  }

  private Map<String, Object> resourceProps() {
    return properties(only(f.template(), RESOURCE_TYPE));
  }

  @Test
  void additionalTagsAreAJsonArrayPropertyOnlyWhenSet() {
    f.deployment("A").additionalTags(List.of("1.2.3", "stable")).build();
    assertEquals("[\"1.2.3\",\"stable\"]", resourceProps().get("AdditionalTags"));

    Fixture g = new Fixture(outdir.resolve("empty"));
    g.deployment("B").additionalTags(List.of()).build();
    assertFalse(properties(only(g.template(), RESOURCE_TYPE)).containsKey("AdditionalTags"));
  }

  @Test
  void aTokenInAdditionalTagsIsResolved() {
    CfnParameter version = CfnParameter.Builder.create(f.stack, "Version").build();
    f.deployment("A").additionalTags(List.of(version.getValueAsString())).build();
    assertEquals(
        Map.of("Fn::Join", List.of("", List.of("[\"", Map.of("Ref", "Version"), "\"]"))),
        resourceProps().get("AdditionalTags"));
  }

  @Test
  void destroyAddsTheRemovalPolicyPropertyAndRetainAddsNothing() {
    f.deployment("D").removalPolicy(RemovalPolicy.DESTROY).build();
    assertEquals("destroy", resourceProps().get("RemovalPolicy"));

    Fixture g = new Fixture(outdir.resolve("retain"));
    g.deployment("R").removalPolicy(RemovalPolicy.RETAIN).build();
    assertEquals(
        Set.of("ServiceToken", "SrcImage", "SrcCreds", "DestImage"),
        properties(only(g.template(), RESOURCE_TYPE)).keySet());
  }

  @Test
  void otherRemovalPoliciesAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.deployment("S").removalPolicy(RemovalPolicy.SNAPSHOT).build());
    assertEquals(
        "removalPolicy must be RETAIN or DESTROY, got SNAPSHOT: RETAIN keeps the pushed tags on"
            + " delete, DESTROY removes them",
        e.getMessage());
  }

  @Test
  void defaultOptionsGiveExactlyUpstreamsFunction() {
    f.deployment("A")
        .architecture(Architecture.X86_64)
        .loggingFormat(LoggingFormat.TEXT)
        .environment(Map.of())
        .build();
    Map<String, Map<String, Object>> fns = f.template().findResources("AWS::Lambda::Function");
    assertEquals(Set.of(FUNCTION_512), fns.keySet());
    Map<String, Object> fn = properties(fns.get(FUNCTION_512));
    for (String absent : List.of("Architectures", "Environment", "LoggingConfig")) {
      assertFalse(fn.containsKey(absent), absent + " in " + fn);
    }
  }

  @Test
  void eachNonDefaultOptionIsPartOfTheFunctionsIdentity() {
    LogGroup logs =
        LogGroup.Builder.create(f.stack, "Logs").retention(RetentionDays.ONE_WEEK).build();
    f.deployment("Default").build();
    f.deployment("Arm").architecture(Architecture.ARM_64).build();
    f.deployment("Arm2").architecture(Architecture.ARM_64).build();
    f.deployment("Env").environment(Map.of("HTTPS_PROXY", "http://proxy:3128")).build();
    f.deployment("Env2").environment(Map.of("HTTPS_PROXY", "http://other:3128")).build();
    f.deployment("Log").logGroup(logs).build();
    f.deployment("Json").loggingFormat(LoggingFormat.JSON).build();

    Map<String, Map<String, Object>> fns = f.template().findResources("AWS::Lambda::Function");
    assertEquals(6, fns.size(), () -> fns.keySet().toString());
    assertTrue(fns.containsKey(FUNCTION_512), () -> fns.keySet().toString());
    Map<String, Object> arm = function(fns, "512MiBarm64");
    assertEquals(List.of("arm64"), arm.get("Architectures"));
    assertEquals(
        Map.of("Variables", Map.of("HTTPS_PROXY", "http://proxy:3128")),
        functions(fns, "512MiBenv").stream()
            .map(p -> p.get("Environment"))
            .filter(e -> e.toString().contains("proxy:3128"))
            .findFirst()
            .orElseThrow());
    assertEquals(2, functions(fns, "512MiBenv").size());
    assertEquals(
        Map.of(
            "LogGroup",
            Map.of(
                "Ref",
                f.stack.getLogicalId(
                    (software.amazon.awscdk.CfnElement) logs.getNode().getDefaultChild()))),
        function(fns, "512MiBlog").get("LoggingConfig"));
    assertEquals(Map.of("LogFormat", "JSON"), function(fns, "512MiBjson").get("LoggingConfig"));

    // Arm and Arm2 share one function.
    long armCalls =
        f.template().findResources(RESOURCE_TYPE).values().stream()
            .filter(r -> properties(r).get("ServiceToken").toString().contains("512MiBarm64"))
            .count();
    assertEquals(2, armCalls);
  }

  @Test
  void theEnvironmentSuffixDoesNotDependOnMapOrder() {
    Map<String, String> a = new java.util.LinkedHashMap<>();
    a.put("HTTP_PROXY", "1");
    a.put("NO_PROXY", "2");
    Map<String, String> b = new java.util.LinkedHashMap<>();
    b.put("NO_PROXY", "2");
    b.put("HTTP_PROXY", "1");
    f.deployment("X").environment(a).build();
    f.deployment("Y").environment(b).build();
    assertEquals(1, f.template().findResources("AWS::Lambda::Function").size());
  }

  @Test
  void ecrImageNameUsesTheRepositoryUriWithATagOrADigest() {
    String digest = "sha256:" + "a".repeat(64);
    Object tagged = f.stack.resolve(EcrImageName.of(f.repo, "1.2").getUri());
    Object pinned = f.stack.resolve(EcrImageName.of(f.repo, digest).getUri());
    assertEquals(":1.2", lastPart(tagged));
    assertEquals("@" + digest, lastPart(pinned));
    assertEquals("docker://", firstPart(tagged));
    // The same parts as the repository URI the user would concatenate.
    assertEquals(f.stack.resolve("docker://" + f.repo.getRepositoryUri() + ":1.2"), tagged);
    assertEquals(digest, EcrImageName.of(f.repo, "@" + digest).getTagOrDigest());
  }

  @SuppressWarnings("unchecked")
  private static List<Object> joinParts(final Object resolved) {
    List<Object> join = (List<Object>) ((Map<String, Object>) resolved).get("Fn::Join");
    return (List<Object>) join.get(1);
  }

  private static Object lastPart(final Object resolved) {
    List<Object> parts = joinParts(resolved);
    return parts.get(parts.size() - 1);
  }

  private static Object firstPart(final Object resolved) {
    return joinParts(resolved).get(0);
  }

  @Test
  void typedArchiveNamesPointAtTheirObject() throws Exception {
    Bucket bucket = Bucket.Builder.create(f.stack, "Images").build();
    f.deployment("Bucket").src(S3ArchiveName.fromBucket(bucket, "images/app.tar", "app:1")).build();
    Object uri = resourceProps().get("SrcImage");
    assertEquals(
        Map.of(
            "Fn::Join",
            List.of(
                "",
                List.of(
                    "s3://",
                    Map.of(
                        "Ref",
                        f.stack.getLogicalId(
                            (software.amazon.awscdk.CfnElement)
                                bucket.getNode().getDefaultChild())),
                    "/images/app.tar:app:1"))),
        uri);

    Fixture g = new Fixture(outdir.resolve("asset"));
    Path tar = Files.write(outdir.resolve("app.tar"), new byte[] {1, 2, 3});
    Asset asset = Asset.Builder.create(g.stack, "Tarball").path(tar.toString()).build();
    g.deployment("Asset").src(S3ArchiveName.fromAsset(asset)).build();
    String src = String.valueOf(properties(only(g.template(), RESOURCE_TYPE)).get("SrcImage"));
    assertTrue(src.contains("s3://") && src.contains("cdk-hnb659fds-assets-"), src);
    assertTrue(
        src.endsWith("/" + asset.getS3ObjectKey() + "]]}") || src.contains(asset.getS3ObjectKey()),
        src);
  }

  private static Map<String, Object> function(
      final Map<String, Map<String, Object>> fns, final String marker) {
    List<Map<String, Object>> found = functions(fns, marker);
    assertEquals(1, found.size(), () -> marker + " in " + fns.keySet());
    return found.get(0);
  }

  private static List<Map<String, Object>> functions(
      final Map<String, Map<String, Object>> fns, final String marker) {
    return fns.entrySet().stream()
        .filter(e -> e.getKey().contains(marker))
        .map(e -> properties(e.getValue()))
        .toList();
  }
}
