package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.registry.RegistryClient;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler against a real registry (docker-registry over TLS, token auth) reached under the
 * ECR-shaped name {@code 123456789012.dkr.ecr.us-east-1.amazonaws.com} (resolved to 127.0.0.1 by
 * the tests' hosts file): only user {@code AWS} with the token from the ECR API stub may use it.
 */
class EcrRegistryDeploymentTest {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.token();
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ECR_TOKEN = "eyJwYXlsb2FkIjoiZWNyLXRva2VuLWZvci10ZXN0cyJ9";
  private static final RequestRetry FAST =
      new RequestRetry(3, Duration.ofMillis(20), Duration.ofSeconds(1));
  private static final TestImages GEN = new TestImages(41);
  private static Node image;
  private static String ecrHost;

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    RegistryServer r = REGISTRY.server();
    // User AWS (the ECR token) may do anything; the test's own user pulls everything (for skopeo)
    // and pushes only the source image; anonymous clients get nothing.
    r.tokenServer()
        .user("AWS", ECR_TOKEN)
        .policy(
            (user, repo, requested) ->
                "AWS".equals(user)
                    ? requested
                    : RegistryServer.USER.equals(user)
                        ? (repo.equals("seed/app") ? requested : pullOnly(requested))
                        : Set.of());
    image = GEN.image(Format.OCI, "linux/amd64").layers(300_000, 40_000).build();
    GEN.push(r.http(), "seed/app", "v1", image);
    ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com:" + r.port();
  }

  private static Set<String> pullOnly(Set<String> requested) {
    return requested.contains("pull") ? Set.of("pull") : Set.of();
  }

  private JsonNode deploy(
      Map<String, String> props, Log log, Duration remaining, String registryHost)
      throws Exception {
    AwsSettings settings = aws.settings().build();
    Copier copiers =
        Copier.builder()
            .registries(new RegistryClient(FAST))
            .blobRetry(FAST)
            .s3(() -> Copier.s3Client(S3.settings()))
            .build();
    cfn.clear();
    return TestHandlers.respond(
        TestHandlers.handler(settings, copiers, log),
        cfn,
        CfnEvents.create(cfn.url(), props),
        remaining);
  }

  private static Log quietLog() {
    return new Log(new PrintStream(new ByteArrayOutputStream()), Log.Level.INFO, Clock.systemUTC());
  }

  @Test
  void copiesBetweenRepositoriesOfAnEcrRegistryWithItsToken() throws Exception {
    aws.ecrToken("AWS:" + ECR_TOKEN);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(all, true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(capture);
    System.setErr(capture);
    JsonNode r;
    try {
      r =
          deploy(
              CfnEvents.props(
                  "docker://" + ecrHost + "/seed/app:v1", "docker://" + ecrHost + "/team/app:v1"),
              new Log(capture, Log.Level.DEBUG, Clock.systemUTC()),
              Duration.ofMinutes(15),
              ecrHost);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(image.digest(), r.path("Data").path("ImageDigest").asText());
    assertEquals(ecrHost + "/team/app@" + image.digest(), r.path("Data").path("ImageUri").asText());
    assertEquals(image.digest(), Skopeo.digest(REGISTRY.server(), "team/app:v1"));
    // Source and destination share the registry: one token call for both.
    assertEquals(1, aws.calls().size());
    assertEquals("us-east-1", aws.calls().get(0).region());
    String output = all.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("blob sha256:"), output);
    assertFalse(output.contains(ECR_TOKEN), output);
    assertFalse(r.toString().contains(ECR_TOKEN));
  }

  @Test
  void copiesAnS3ArchiveIntoTheEcrRegistry() throws Exception {
    aws.ecrToken("AWS:" + ECR_TOKEN);
    ImageArchives.Image img = ImageArchives.image(42, "amd64", 2, 100_000);
    S3.put(
        "images",
        "app.tar",
        ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:2"))).finish());
    JsonNode r =
        deploy(
            CfnEvents.props("s3://images/app.tar", "docker://" + ecrHost + "/team/archived:2"),
            quietLog(),
            Duration.ofMinutes(15),
            ecrHost);
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(
        r.path("Data").path("ImageDigest").asText(),
        Skopeo.digest(REGISTRY.server(), "team/archived:2"));
  }

  @Test
  void aWrongTokenIsAnsweredFailedNamingTheRegistry() throws Exception {
    aws.ecrToken("AWS:not-the-registry-token");
    JsonNode r =
        deploy(
            CfnEvents.props(
                "docker://" + ecrHost + "/seed/app:v1", "docker://" + ecrHost + "/team/denied:v1"),
            quietLog(),
            Duration.ofMinutes(15),
            ecrHost);
    assertEquals("FAILED", r.path("Status").asText());
    String reason = r.path("Reason").asText();
    assertTrue(reason.contains(ecrHost), reason);
    assertTrue(reason.contains("401"), reason);
    assertFalse(reason.contains("not-the-registry-token"), reason);
    // The token came from the function's role, not from SrcCreds/DestCreds: the fix says so.
    assertTrue(reason.contains("ecr:GetAuthorizationToken in us-east-1"), reason);
    assertTrue(reason.contains("function's role"), reason);
    assertFalse(reason.contains("check DestCreds") || reason.contains("check SrcCreds"), reason);
    assertTrue(reason.endsWith("(log stream: " + FakeLambdaContext.LOG_STREAM + ")"), reason);
  }

  @Test
  void aCopyStalledPastTheDeadlineIsAnsweredFailedInTime() throws Exception {
    aws.ecrToken("AWS:" + ECR_TOKEN);
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server())) {
      proxy.inject(FaultProxy.Fault.stall("GET", ".*/blobs/.*", 100, Duration.ofSeconds(60)));
      String host = proxy.host();
      JsonNode r =
          deploy(
              Map.of(
                  "SrcImage", "docker://" + host + "/seed/app:v1",
                  "SrcCreds", REGISTRY.server().credentialString(),
                  "DestImage", "docker://" + ecrHost + "/team/late:v1"),
              quietLog(),
              Duration.ofMillis(33_000),
              ecrHost);
      // The answer came while the stalled GET was still held: the proxy records a request only
      // once it has forwarded it, 60 s after it arrived.
      long stalledDone = proxy.count("GET", "/blobs/");
      assertEquals("FAILED", r.path("Status").asText());
      String reason = r.path("Reason").asText();
      assertTrue(reason.startsWith("the copy did not finish in time"), reason);
      assertTrue(reason.contains("Raise memoryLimit"), reason);
      assertEquals(0, stalledDone, "answered only after the stalled blob GET went through");
    }
  }
}
