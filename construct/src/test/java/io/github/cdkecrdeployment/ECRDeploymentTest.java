package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.allow;
import static io.github.cdkecrdeployment.Fixture.statements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The tests of upstream's {@code test/ecr-deployment.test.ts}, one for one. */
class ECRDeploymentTest {
  private static final List<String> ECR_ACTIONS =
      List.of(
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:GetRepositoryPolicy",
          "ecr:DescribeRepositories",
          "ecr:ListImages",
          "ecr:DescribeImages",
          "ecr:BatchGetImage",
          "ecr:ListTagsForResource",
          "ecr:DescribeImageScanFindings",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage");
  private static final Map<String, Object> ECR = allow(ECR_ACTIONS, "*");
  private static final Map<String, Object> S3 = allow("s3:GetObject", "*");
  private static final Map<String, Object> PUBLIC_AUTH =
      allow(List.of("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"), "*");
  private static final Map<String, Object> PUBLIC_PUSH =
      allow(
          List.of(
              "ecr-public:BatchCheckLayerAvailability",
              "ecr-public:InitiateLayerUpload",
              "ecr-public:UploadLayerPart",
              "ecr-public:CompleteLayerUpload",
              "ecr-public:PutImage"),
          Map.of(
              "Fn::Join",
              List.of(
                  "",
                  List.of(
                      "arn:aws:ecr-public::", Map.of("Ref", "AWS::AccountId"), ":repository/*"))));

  @TempDir Path outdir;
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
  }

  @Test
  void imageArchIsMissingFromCustomResourceIfArgumentNotSpecified() {
    new ECRDeployment(f.stack, "ECR", ECRDeploymentProps.builder().src(f.src).dest(f.dest).build());

    f.template().hasResourceProperties(RESOURCE_TYPE, Map.of("ImageArch", Match.absent()));
  }

  @Test
  void imageArchIsInCustomResourcePropertiesIfSpecified() {
    f.deployment("ECR").imageArch(List.of("banana")).build();

    f.template().hasResourceProperties(RESOURCE_TYPE, Map.of("ImageArch", "banana"));
  }

  @Test
  void cannotSpecifyMoreOrFewerThanOneElementInImageArch() {
    IllegalArgumentException two =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.deployment("ECR").imageArch(List.of("banana", "pear")).build());
    assertEquals(
        "imageArch must contain exactly 1 element, got [\"banana\",\"pear\"]", two.getMessage());

    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.deployment("ECR2").imageArch(List.of()).build());
    assertEquals("imageArch must contain exactly 1 element, got []", none.getMessage());
  }

  @Test
  void publicEcrDestAutoAttachesEcrPublicAndStsPermissions() {
    f.deployment("ECR").dest(new DockerImageName("public.ecr.aws/myalias/myrepo:latest")).build();

    assertEquals(List.of(ECR, S3, PUBLIC_AUTH, PUBLIC_PUSH), statements(f.template()));
  }

  @Test
  void publicEcrPermissionsAreScopedToRepositoryArn() {
    f.deployment("ECR").dest(new DockerImageName("public.ecr.aws/myalias/myrepo:latest")).build();

    List<Object> statements = statements(f.template());
    assertEquals(PUBLIC_PUSH, statements.get(3));
    // No statement grants a push action on every resource.
    statements.stream()
        .map(s -> (Map<?, ?>) s)
        .filter(s -> "*".equals(s.get("Resource")))
        .forEach(
            s ->
                assertFalse(
                    s.get("Action").toString().contains("ecr-public:PutImage"), s::toString));
  }

  @Test
  void privateEcrDestDoesNotGetEcrPublicPermissions() {
    f.deployment("ECR").build();

    Template template = f.template();
    assertEquals(List.of(ECR, S3), statements(template));
    String json = template.toJSON().toString();
    assertFalse(json.contains("ecr-public:GetAuthorizationToken"));
    assertFalse(json.contains("sts:GetServiceBearerToken"));
  }

  @Test
  void nonEcrDestDoesNotGetEcrPublicPermissions() {
    f.deployment("ECR").dest(new DockerImageName("ghcr.io/owner/repo:latest")).build();

    Template template = f.template();
    assertEquals(List.of(ECR, S3), statements(template));
    String json = template.toJSON().toString();
    assertFalse(json.contains("ecr-public:GetAuthorizationToken"));
    assertFalse(json.contains("sts:GetServiceBearerToken"));
  }

  @Test
  void publicEcrSourceWithPrivateEcrDestGetsReadAuthPermissionsOnly() {
    f.deployment("ECR").src(new DockerImageName("public.ecr.aws/nginx/nginx:latest")).build();

    Template template = f.template();
    assertEquals(List.of(ECR, S3, PUBLIC_AUTH), statements(template));
    String json = template.toJSON().toString();
    assertFalse(json.contains("ecr-public:PutImage"));
    assertFalse(json.contains("ecr-public:InitiateLayerUpload"));
  }
}
