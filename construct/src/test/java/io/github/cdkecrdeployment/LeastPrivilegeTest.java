package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.allow;
import static io.github.cdkecrdeployment.Fixture.statements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The handler role's statements: upstream's exactly for a plain dest, only what the sides need for
 * a typed ECR dest, the union on a shared role, and the grants of typed secrets and cleanup.
 */
class LeastPrivilegeTest {
  private static final Map<String, Object> REPO_ARN =
      Map.of("Fn::GetAtt", List.of("Repo02AC86CF", "Arn"));
  private static final Map<String, Object> AUTH = allow("ecr:GetAuthorizationToken", "*");
  private static final Map<String, Object> PUSH_PULL_REPO =
      allow(
          List.of(
              "ecr:BatchCheckLayerAvailability",
              "ecr:GetDownloadUrlForLayer",
              "ecr:BatchGetImage",
              "ecr:CompleteLayerUpload",
              "ecr:UploadLayerPart",
              "ecr:InitiateLayerUpload",
              "ecr:PutImage"),
          REPO_ARN);
  private static final Map<String, Object> PULL_ANY =
      allow(
          List.of(
              "ecr:GetAuthorizationToken",
              "ecr:BatchCheckLayerAvailability",
              "ecr:GetDownloadUrlForLayer",
              "ecr:BatchGetImage"),
          "*");
  private static final Map<String, Object> S3_ANY = allow("s3:GetObject", "*");
  private static final Map<String, Object> PUBLIC_AUTH =
      allow(List.of("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"), "*");

  @TempDir Path outdir;
  private Fixture f;
  private EcrImageName typedDest;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
    typedDest = EcrImageName.of(f.repo, "copied");
  }

  private List<Object> deployTyped(final IImageName src) {
    f.deployment("ECR").src(src).dest(typedDest).build();
    return statements(f.template());
  }

  @Test
  void aTypedDestFromAnotherRegistryGetsPushOnItsRepositoryOnly() {
    List<Object> s = deployTyped(new DockerImageName("ghcr.io/owner/app:1"));
    assertEquals(List.of(PUSH_PULL_REPO, AUTH), s);
  }

  @Test
  void aTypedDestDependsOnItsRepository() {
    deployTyped(new DockerImageName("nginx:latest"));
    Map<String, Object> resource = Fixture.only(f.template(), Fixture.RESOURCE_TYPE);
    assertEquals(List.of("Repo02AC86CF"), resource.get("DependsOn"), resource::toString);
  }

  @Test
  void aTypedEcrSourceGetsPullOnItsRepositoryOnly() {
    Repository other = Repository.Builder.create(f.stack, "Other").repositoryName("other").build();
    List<Object> s = deployTyped(EcrImageName.of(other, "1"));
    Map<String, Object> pullOther =
        allow(
            List.of(
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage"),
            Map.of("Fn::GetAtt", List.of(id(other), "Arn")));
    assertEquals(List.of(PUSH_PULL_REPO, AUTH, pullOther), s);
    Map<String, Object> resource = Fixture.only(f.template(), Fixture.RESOURCE_TYPE);
    assertEquals(List.of(id(other), "Repo02AC86CF"), resource.get("DependsOn"));
  }

  @Test
  void anUntypedEcrOrTokenSourceGetsPullOnlyActionsOnAnyRepository() {
    assertEquals(
        List.of(PUSH_PULL_REPO, AUTH, PULL_ANY),
        deployTyped(new DockerImageName("123456789012.dkr.ecr.eu-west-1.amazonaws.com/base:1")));
    Fixture g = new Fixture(outdir.resolve("token"));
    CfnParameter image = CfnParameter.Builder.create(g.stack, "Image").build();
    g.deployment("ECR")
        .src(new DockerImageName(image.getValueAsString()))
        .dest(EcrImageName.of(g.repo, "copied"))
        .build();
    assertEquals(List.of(PUSH_PULL_REPO, AUTH, PULL_ANY), statements(g.template()));
  }

  @Test
  void aPublicEcrSourceKeepsUpstreamsPublicStatements() {
    assertEquals(
        List.of(PUSH_PULL_REPO, AUTH, PUBLIC_AUTH),
        deployTyped(new DockerImageName("public.ecr.aws/nginx/nginx:latest")));
  }

  @Test
  void anUntypedArchiveSourceGetsGetObjectOnAnyBucket() {
    assertEquals(
        List.of(PUSH_PULL_REPO, AUTH, S3_ANY), deployTyped(new S3ArchiveName("bucket/app.tar")));
  }

  @Test
  void aTypedArchiveSourceMayReadThatObjectOnlyAndDecryptWithItsKey() {
    Bucket bucket =
        Bucket.Builder.create(f.stack, "Images")
            .encryption(BucketEncryption.KMS)
            .encryptionKey(Key.Builder.create(f.stack, "Key").build())
            .build();
    List<Object> s = deployTyped(S3ArchiveName.fromBucket(bucket, "images/app.tar", "app:1"));

    Map<String, Object> getObject =
        allow(
            "s3:GetObject",
            Map.of(
                "Fn::Join",
                List.of(
                    "",
                    List.of(Map.of("Fn::GetAtt", List.of(id(bucket), "Arn")), "/images/app.tar"))));
    Map<String, Object> decrypt =
        allow("kms:Decrypt", Map.of("Fn::GetAtt", List.of(id(bucket.getEncryptionKey()), "Arn")));
    assertEquals(List.of(PUSH_PULL_REPO, AUTH, getObject, decrypt), s);
    assertFalse(s.contains(S3_ANY));
  }

  @Test
  void anAssetSourceMayReadItsObjectOnly() throws Exception {
    Path tar = Files.write(outdir.resolve("app.tar"), new byte[] {1, 2, 3});
    Asset asset = Asset.Builder.create(f.stack, "Tarball").path(tar.toString()).build();
    List<Object> s = deployTyped(S3ArchiveName.fromAsset(asset));

    assertEquals(3, s.size(), s::toString);
    @SuppressWarnings("unchecked")
    Map<String, Object> read = (Map<String, Object>) s.get(2);
    assertEquals("s3:GetObject", read.get("Action"));
    String resource = String.valueOf(read.get("Resource"));
    assertTrue(resource.contains("cdk-hnb659fds-assets-"), resource);
    assertTrue(resource.contains("/" + asset.getS3ObjectKey()), resource);
  }

  @Test
  void aPlainDestKeepsUpstreamsStatementsEvenWithTypedSources() {
    Repository other = Repository.Builder.create(f.stack, "Other").repositoryName("other").build();
    f.deployment("ECR").src(EcrImageName.of(other, "1")).build();
    Fixture upstream = new Fixture(outdir.resolve("upstream"));
    upstream.deployment("ECR").build();

    assertEquals(statements(upstream.template()), statements(f.template()));
  }

  @Test
  void aSharedRoleCarriesTheUnionOfItsDeployments() {
    f.deployment("Typed").src(new DockerImageName("ghcr.io/o/a:1")).dest(typedDest).build();
    f.deployment("Plain").build();

    List<Object> s = statements(f.template());
    assertEquals(1, f.template().findResources("AWS::Lambda::Function").size());
    assertTrue(s.contains(PUSH_PULL_REPO), s::toString);
    assertTrue(s.contains(S3_ANY), s::toString);
    assertTrue(
        s.stream()
            .anyMatch(st -> ((Map<?, ?>) st).get("Action") instanceof List<?> l && l.size() == 14),
        s::toString);
  }

  @Test
  void anISecretIsReadableAndItsKeyDecryptable() {
    Secret plain = Secret.Builder.create(f.stack, "Plain").build();
    Secret encrypted =
        Secret.Builder.create(f.stack, "Encrypted")
            .encryptionKey(Key.Builder.create(f.stack, "SecretKey").build())
            .build();
    f.deployment("ECR")
        .src(new DockerImageName("ghcr.io/o/a:1", plain))
        .dest(new DockerImageName("registry.example.com/a:1", encrypted))
        .build();

    Template t = f.template();
    Map<String, Object> props = Fixture.properties(Fixture.only(t, Fixture.RESOURCE_TYPE));
    assertEquals(Map.of("Ref", id(plain)), props.get("SrcCreds"));
    assertEquals(Map.of("Ref", id(encrypted)), props.get("DestCreds"));
    List<Object> s = statements(t);
    Map<String, Object> readPlain =
        allow(
            List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
            Map.of("Ref", id(plain)));
    assertTrue(s.contains(readPlain), s::toString);
    // Secrets Manager grants decrypt on a key of the same stack in the key's policy.
    String keyPolicy =
        String.valueOf(
            t.findResources("AWS::KMS::Key")
                .get(id(encrypted.getEncryptionKey()))
                .get("Properties"));
    assertTrue(
        keyPolicy.contains("kms:Decrypt")
            && keyPolicy.contains(
                "CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiBServiceRole8C8B0491"),
        keyPolicy);
  }

  @Test
  void destroyGrantsTagDeletionOnTheTypedRepositoryOrOnAnyEcrRepository() {
    f.deployment("Typed").dest(typedDest).removalPolicy(RemovalPolicy.DESTROY).build();
    assertTrue(statements(f.template()).contains(allow("ecr:BatchDeleteImage", REPO_ARN)));

    Fixture g = new Fixture(outdir.resolve("untyped"));
    g.deployment("Untyped").removalPolicy(RemovalPolicy.DESTROY).build();
    assertTrue(statements(g.template()).contains(allow("ecr:BatchDeleteImage", "*")));

    Fixture h = new Fixture(outdir.resolve("other"));
    h.deployment("Other")
        .dest(new DockerImageName("ghcr.io/o/a:1"))
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    assertFalse(statements(h.template()).toString().contains("BatchDeleteImage"));

    Fixture r = new Fixture(outdir.resolve("retain"));
    r.deployment("Retain").dest(typedDest(r)).removalPolicy(RemovalPolicy.RETAIN).build();
    assertFalse(statements(r.template()).toString().contains("BatchDeleteImage"));
  }

  /** The logical id of a construct's CloudFormation resource. */
  private String id(final software.constructs.IConstruct c) {
    return f.stack.getLogicalId((software.amazon.awscdk.CfnElement) c.getNode().getDefaultChild());
  }

  private static EcrImageName typedDest(final Fixture fixture) {
    return EcrImageName.of(fixture.repo, "copied");
  }
}
