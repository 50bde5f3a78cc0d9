package io.github.cdkecrdeployment.integ.cfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.testing.InvocationResult;
import io.github.cdkecrdeployment.integ.WorkDirs;
import io.github.cdkecrdeployment.integ.fixture.FixtureJars;
import io.github.cdkecrdeployment.integ.lambda.LambdaFunctionSpec;
import io.github.cdkecrdeployment.integ.lambda.LambdaRuntimeProcess;
import io.github.cdkecrdeployment.integ.lambda.LambdaService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SingletonFunction;
import software.amazon.awscdk.services.s3.assets.Asset;

/**
 * The template reader on a stack shaped like the construct's (a singleton function, custom
 * resources whose properties hold repository tokens, Docker and file assets), synthesized by the
 * real CDK, and the synthesized function run under the runtime harness.
 */
class SynthesizedStackTest {

  private static Path work;
  private static Path jar;
  private static SynthesizedStack stack;

  @BeforeAll
  static void synth() throws Exception {
    work = WorkDirs.create(SynthesizedStackTest.class);
    jar = FixtureJars.functionJar(work.resolve("function.jar"));
    Path dockerContext = Files.createDirectories(work.resolve("image"));
    Files.writeString(dockerContext.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /\n");
    Files.writeString(dockerContext.resolve("hello.txt"), "hello\n");
    Path archive = Files.writeString(work.resolve("image.tar"), "not really a tarball");
    stack =
        SynthesizedStack.synth(
            work.resolve("cdk.out"),
            app -> {
              Stack s = new Stack(app, "ReaderFixture");
              Repository repo = Repository.Builder.create(s, "Target").build();
              SingletonFunction fn =
                  SingletonFunction.Builder.create(s, "Handler")
                      .uuid("0a1b2c3d-0000-4000-8000-000000000000")
                      .lambdaPurpose("Custom::Fixture")
                      .code(Code.fromAsset(jar.toString()))
                      .handler(
                          "io.github.cdkecrdeployment.integ.fixture.EchoHandler::handleRequest")
                      .runtime(Runtime.JAVA_21)
                      .memorySize(384)
                      .timeout(software.amazon.awscdk.Duration.minutes(15))
                      .environment(Map.of("GREETING", "from the template"))
                      .build();
              // A second singleton with the same uuid is the same function.
              SingletonFunction again =
                  SingletonFunction.Builder.create(s, "HandlerAgain")
                      .uuid("0a1b2c3d-0000-4000-8000-000000000000")
                      .lambdaPurpose("Custom::Fixture")
                      .code(Code.fromAsset(jar.toString()))
                      .handler(
                          "io.github.cdkecrdeployment.integ.fixture.EchoHandler::handleRequest")
                      .runtime(Runtime.JAVA_21)
                      .build();
              DockerImageAsset image =
                  DockerImageAsset.Builder.create(s, "Image")
                      .directory(dockerContext.toString())
                      .build();
              Asset tarball = Asset.Builder.create(s, "Tarball").path(archive.toString()).build();
              CustomResource.Builder.create(s, "First")
                  .serviceToken(fn.getFunctionArn())
                  .resourceType("Custom::CDKECRDeployment")
                  .properties(
                      Map.of(
                          "SrcImage", "docker://" + image.getImageUri(),
                          "DestImage", "docker://" + repo.getRepositoryUri() + ":latest",
                          "CopyImageIndex", true))
                  .build();
              CustomResource.Builder.create(s, "Second")
                  .serviceToken(again.getFunctionArn())
                  .resourceType("Custom::CDKECRDeployment")
                  .properties(
                      Map.of(
                          "SrcImage",
                          "s3://" + tarball.getS3BucketName() + "/" + tarball.getS3ObjectKey(),
                          "DestImage",
                          "docker://" + repo.repositoryUriForTag("v1")))
                  .build();
              return s;
            });
  }

  @Test
  void findsTheSingletonFunctionBehindEveryDeployment() throws Exception {
    List<CustomResourceSpec> resources = stack.customResources("Custom::CDKECRDeployment");
    assertEquals(2, resources.size());
    assertEquals(resources.get(0).functionLogicalId(), resources.get(1).functionLogicalId());
    assertEquals(1, stack.resources("AWS::Lambda::Function").size());

    LambdaFunctionSpec fn = stack.function(resources.get(0).functionLogicalId());
    assertEquals(
        "io.github.cdkecrdeployment.integ.fixture.EchoHandler::handleRequest", fn.handler());
    assertEquals("java21", fn.runtime());
    assertEquals(384, fn.memorySizeMiB());
    assertEquals(Duration.ofMinutes(15), fn.timeout());
    assertEquals(Map.of("GREETING", "from the template"), fn.environment());
    assertTrue(fn.code().startsWith(stack.outdir()), fn.code().toString());
    assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(fn.code()));
  }

  @Test
  void resolvesRepositoryAndAssetTokens() {
    List<CustomResourceSpec> resources = stack.customResources("Custom::CDKECRDeployment");
    Map<String, String> first = resources.get(0).resolve(stack.cloud().intrinsics());
    String repoName =
        stack.cloud().ref(stack.resources("AWS::ECR::Repository").keySet().iterator().next());
    assertEquals(
        "docker://" + LocalCloud.ECR_HOST + "/" + repoName + ":latest", first.get("DestImage"));
    assertEquals("true", first.get("CopyImageIndex"));
    AssetManifest.DockerImageAsset image = stack.assets().dockerImages().get(0);
    assertEquals(
        "docker://"
            + LocalCloud.ECR_HOST
            + "/cdk-hnb659fds-container-assets-"
            + LocalCloud.ACCOUNT
            + "-"
            + LocalCloud.REGION
            + ":"
            + image.imageTag(),
        first.get("SrcImage"));
    assertEquals(
        "cdk-hnb659fds-container-assets-" + LocalCloud.ACCOUNT + "-" + LocalCloud.REGION,
        image.repositoryName());
    assertTrue(Files.isRegularFile(image.directory().resolve("Dockerfile")));
    assertTrue(
        first.get("ServiceToken").startsWith("arn:aws:lambda:us-east-1:123456789012:function:"));

    Map<String, String> second = resources.get(1).resolve(stack.cloud().intrinsics());
    assertEquals(
        "docker://" + LocalCloud.ECR_HOST + "/" + repoName + ":v1", second.get("DestImage"));
    AssetManifest.FileAsset tar =
        stack.assets().files().stream()
            .filter(f -> f.objectKey().endsWith(".tar"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "s3://cdk-hnb659fds-assets-123456789012-us-east-1/" + tar.objectKey(),
        second.get("SrcImage"));
    assertTrue(Files.isRegularFile(tar.source()));
  }

  @Test
  void unknownTokensFailNamingTheToken() throws Exception {
    JsonNode token = new ObjectMapper().readTree("{\"Fn::GetAtt\":[\"Nope\",\"Arn\"]}");
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> stack.cloud().intrinsics().resolve(token));
    assertTrue(e.getMessage().contains("Nope"), e.getMessage());
  }

  @Test
  void theSynthesizedFunctionRunsAndReceivesTheResolvedEvent() throws Exception {
    CustomResourceSpec first = stack.customResources("Custom::CDKECRDeployment").get(0);
    LambdaFunctionSpec fn = stack.function(first.functionLogicalId());
    Map<String, String> props = first.resolve(stack.cloud().intrinsics());
    CloudFormationEvents events = new CloudFormationEvents(stack, first);
    CloudFormationEvents.Event create = events.create(props, "http://127.0.0.1:9/unused");
    try (LambdaService service =
        LambdaService.start(
            fn,
            new LambdaRuntimeProcess.Identity(LocalCloud.ACCOUNT, LocalCloud.REGION, "fixture"),
            work.resolve("lambda"),
            Map.of())) {
      InvocationResult r = service.invoke(create.json());
      assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), service.output());
      JsonNode echoed = new ObjectMapper().readTree(r.body());
      assertEquals("Create", echoed.path("event").path("RequestType").asText());
      assertEquals(create.requestId(), echoed.path("event").path("RequestId").asText());
      assertEquals(
          props.get("DestImage"),
          echoed.path("event").path("ResourceProperties").path("DestImage").asText());
      assertEquals("from the template", echoed.path("greeting").asText());
      assertEquals(384, echoed.path("memoryLimitMiB").asInt());
    }
  }
}
