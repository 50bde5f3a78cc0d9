package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.cdkecrdeployment.examples.dockerhub.DockerHubToEcrStack;
import io.github.cdkecrdeployment.examples.dockerimageasset.DockerImageAssetStack;
import io.github.cdkecrdeployment.examples.multiarchindex.MultiArchIndexStack;
import io.github.cdkecrdeployment.examples.privateregistry.PrivateRegistryStack;
import io.github.cdkecrdeployment.examples.retryconfig.RetryConfigStack;
import io.github.cdkecrdeployment.examples.s3archive.S3ArchiveStack;
import io.github.cdkecrdeployment.examples.specificarchitecture.SpecificArchitectureStack;
import io.github.cdkecrdeployment.examples.typedecr.TypedEcrStack;
import io.github.cdkecrdeployment.examples.vpc.VpcStack;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.constructs.IConstruct;

/**
 * Every example passes cdk-nag's AwsSolutions pack, with only the suppressions below, which are
 * scoped to the copying Lambda function (and its role) and documented in the README.
 */
class CdkNagTest {
  /**
   * The findings on the handler function that are accepted, each with the reason. Nothing else of
   * an example is suppressed.
   */
  static final List<NagPackSuppression> HANDLER_SUPPRESSIONS =
      List.of(
          NagPackSuppression.builder()
              .id("AwsSolutions-IAM4")
              .appliesTo(
                  List.of(
                      "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                      "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
              .reason(
                  "the CDK gives every Lambda function these AWS managed policies: writing its own"
                      + " logs, and (in a VPC) managing its network interfaces")
              .build(),
          NagPackSuppression.builder()
              .id("AwsSolutions-IAM5")
              .appliesTo(List.of("Resource::*"))
              .reason(
                  "ecr:GetAuthorizationToken has no resource-level permissions; with a plain"
                      + " DockerImageName dest the statements are upstream's on * (use"
                      + " EcrImageName and typed sources for least privilege)")
              .build(),
          NagPackSuppression.builder()
              .id("AwsSolutions-L1")
              .reason(
                  "the handler is built and tested for the java21 runtime (the custom resource's"
                      + " contract); a newer runtime is a deliberate upgrade, not a default")
              .build());

  @TempDir Path outdir;

  static Stream<Arguments> examples() {
    StackProps none = StackProps.builder().build();
    return Stream.of(
        example("docker-hub-to-ecr", (app, id) -> new DockerHubToEcrStack(app, id)),
        example(
            "docker-image-asset",
            (app, id) ->
                new DockerImageAssetStack(
                    app, id, none, Examples.dir("docker-image-asset").resolve("image"))),
        example("specific-architecture", (app, id) -> new SpecificArchitectureStack(app, id, none)),
        example("multi-arch-index", (app, id) -> new MultiArchIndexStack(app, id, none)),
        example(
            "s3-archive",
            (app, id) ->
                new S3ArchiveStack(
                    app,
                    id,
                    none,
                    Examples.dir("s3-archive").resolve("image").resolve("hello.tar"))),
        example(
            "private-registry",
            (app, id) ->
                new PrivateRegistryStack(
                    app,
                    id,
                    none,
                    "registry.example.com/team/app:1.0",
                    PrivateRegistryStack.DEFAULT_SECRET)),
        example("retry-config", (app, id) -> new RetryConfigStack(app, id, none)),
        example("vpc", (app, id) -> new VpcStack(app, id, none)),
        example(
            "typed-ecr",
            (app, id) ->
                new TypedEcrStack(
                    app,
                    id,
                    none,
                    Examples.dir("typed-ecr").resolve("image").resolve("hello.tar"),
                    TypedEcrStack.DEFAULT_SOURCE,
                    TypedEcrStack.DEFAULT_SECRET)));
  }

  private static Arguments example(final String name, final BiFunction<App, String, Stack> stack) {
    return Arguments.of(name, stack);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void passesAwsSolutions(final String name, final BiFunction<App, String, Stack> factory) {
    App app = App.Builder.create().outdir(outdir.toString()).build();
    Stack stack = factory.apply(app, "Nag");
    List<IConstruct> handlers =
        stack.getNode().getChildren().stream()
            .filter(c -> c.getNode().getId().startsWith("Custom::CDKECRDeployment"))
            .collect(Collectors.toList());
    assertFalse(handlers.isEmpty(), "no copying Lambda function in " + name);
    for (IConstruct handler : handlers) {
      NagSuppressions.addResourceSuppressions(handler, HANDLER_SUPPRESSIONS, true);
    }
    Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
    app.synth();

    List<String> findings =
        Stream.concat(
                Annotations.fromStack(stack)
                    .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .stream(),
                Annotations.fromStack(stack)
                    .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .stream())
            .map(CdkNagTest::describe)
            .collect(Collectors.toList());
    assertEquals(List.of(), findings, name + ":\n" + String.join("\n", findings));
  }

  private static String describe(final SynthesisMessage m) {
    return m.getId() + ": " + String.valueOf(m.getEntry().getData()).lines().findFirst().orElse("");
  }
}
