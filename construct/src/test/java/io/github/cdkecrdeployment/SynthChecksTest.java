package io.github.cdkecrdeployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** The synth-time errors and warnings this library adds to upstream's checks. */
class SynthChecksTest {
  @TempDir Path outdir;
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
  }

  private String failure(final ECRDeployment.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }

  private List<String> warnings() {
    return Annotations.fromStack(f.stack).findWarning("*", Match.anyValue()).stream()
        .map(SynthesisMessage::getEntry)
        .map(e -> String.valueOf(e.getData()))
        .collect(Collectors.toList());
  }

  @Test
  void archImageTagsKeysMustBeArchitectures() {
    assertEquals(
        "archImageTags key \"latest\" is not an architecture: use one such as amd64, arm64, arm/v7"
            + " or linux/arm64",
        failure(f.deployment("A").copyImageIndex(true).archImageTags(Map.of("latest", "x"))));
    assertEquals(
        "archImageTags maps \"arm64\" to \"-bad\", which is not a tag: a tag is 1 to 128 letters,"
            + " digits, '_', '.' and '-', not starting with '.' or '-'",
        failure(f.deployment("B").copyImageIndex(true).archImageTags(Map.of("arm64", "-bad"))));
    // Every form the handler accepts passes.
    f.deployment("C")
        .copyImageIndex(true)
        .archImageTags(
            Map.of(
                "amd64",
                "a",
                "arm/v7",
                "b",
                "linux/arm64",
                "c",
                "linux/arm/v6",
                "d",
                "x86_64",
                "e"))
        .build();
  }

  @Test
  void additionalTagsMustBeTags() {
    assertEquals(
        "additionalTags has \"v 1\", which is not a tag: a tag is 1 to 128 letters, digits, '_',"
            + " '.' and '-', not starting with '.' or '-'",
        failure(f.deployment("A").additionalTags(List.of("ok", "v 1"))));
    CfnParameter p = CfnParameter.Builder.create(f.stack, "P").build();
    f.deployment("B").additionalTags(List.of(p.getValueAsString(), "x".repeat(128))).build();
  }

  @Test
  void aTransportPrefixIsRejectedWithTheFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DockerImageName("docker://nginx"));
    assertEquals(
        "image name \"docker://nginx\" starts with a transport prefix, so its URI would be"
            + " \"docker://docker://nginx\": pass the name without it, new"
            + " DockerImageName(\"nginx\")",
        e.getMessage());
    IllegalArgumentException s3 =
        assertThrows(IllegalArgumentException.class, () -> new S3ArchiveName("s3://b/k.tar"));
    assertEquals(
        "archive \"s3://b/k.tar\" starts with a transport prefix, so its URI would be"
            + " \"s3://s3://b/k.tar\": pass the bucket and key without it, e.g. new"
            + " S3ArchiveName(\"b/k.tar\")",
        s3.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ngi nx:latest", " nginx", "nginx:latest\n", ""})
  void whitespaceOrAnEmptyNameIsRejected(final String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DockerImageName(name));
    assertEquals(
        "image name \""
            + name
            + "\" is empty or contains whitespace: pass a reference such as \"nginx:latest\"",
        e.getMessage());
  }

  @Test
  void anUpperCaseRepositoryIsRejectedButAnUpperCaseTagOrHostIsNot() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DockerImageName("Registry.Example.com/Team/App:V1"));
    assertEquals(
        "image name \"Registry.Example.com/Team/App:V1\" has upper-case letters in its repository"
            + " \"Team/App\", which registries reject: use \"Registry.Example.com/team/app:V1\"",
        e.getMessage());
    new DockerImageName("Registry.Example.com/team/app:V1");
    new DockerImageName("localhost:5000/app:Latest");
    new DockerImageName("nginx@sha256:" + "a".repeat(64));
    // A name holding a token is judged at deploy time only.
    new DockerImageName(f.repo.getRepositoryUri() + "/Sub:latest");
  }

  @Test
  void aBadEcrTagOrDigestIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EcrImageName.of(f.repo, "a b"));
    assertTrue(e.getMessage().startsWith("tagOrDigest \"a b\" is neither a tag"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EcrImageName.of(f.repo, "sha256:short"));
  }

  @Test
  void aDestWithoutTagOrDigestIsAWarning() {
    f.deployment("NoTag").dest(new DockerImageName("ghcr.io/o/app")).build();
    f.deployment("NoTagShort").dest(new DockerImageName("app")).build();
    f.deployment("TokenPath").dest(new DockerImageName(f.repo.getRepositoryUri() + "/sub")).build();
    f.deployment("Tagged").dest(new DockerImageName("ghcr.io/o/app:1")).build();
    f.deployment("Digest")
        .dest(new DockerImageName("ghcr.io/o/app@sha256:" + "a".repeat(64)))
        .build();
    f.deployment("Port").dest(new DockerImageName("localhost:5000/app:1")).build();
    f.deployment("TokenEnd").dest(new DockerImageName(f.repo.getRepositoryUri())).build();

    List<String> w = warnings();
    assertEquals(
        3, w.stream().filter(m -> m.contains("has no tag or digest")).count(), w::toString);
    assertTrue(
        w.contains(
            "dest \"docker://ghcr.io/o/app\" has no tag or digest, so the image is written as"
                + " \":latest\": add a tag to the name, e.g. \"ghcr.io/o/app:1.0\""
                + " [ack: cdk-ecr-deployment:destWithoutTag]"),
        w::toString);
  }

  @Test
  void plainTextCredentialsAreAWarningThatNeverQuotesThem() {
    f.deployment("Plain")
        .src(new DockerImageName("ghcr.io/o/a:1", "robot:s3cr3t-value"))
        .dest(new DockerImageName("registry.example.com/a:1", "my-secret-name"))
        .build();
    f.deployment("Arn")
        .src(
            new DockerImageName(
                "ghcr.io/o/a:1", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf"))
        .build();

    List<String> w = warnings();
    List<String> creds = w.stream().filter(m -> m.contains("plain-text")).toList();
    assertEquals(1, creds.size(), w::toString);
    assertTrue(
        creds
            .get(0)
            .startsWith(
                "src credentials of \"docker://ghcr.io/o/a:1\" are a plain-text user:password, which the template holds in clear text"),
        creds.get(0));
    assertTrue(creds.get(0).contains("ISecret"), creds.get(0));
    assertFalse(w.toString().contains("s3cr3t"), w::toString);
  }
}
