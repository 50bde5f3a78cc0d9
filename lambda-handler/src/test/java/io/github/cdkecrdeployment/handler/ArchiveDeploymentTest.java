package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.InMemoryRegistry;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** S3 archive sources through the whole handler: event in, copy, response out. */
class ArchiveDeploymentTest {
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryRegistry registry = new InMemoryRegistry();

  private JsonNode deploy(Map<String, String> props, Log log) throws Exception {
    AwsSettings settings = aws.settings().s3Endpoint(S3.endpoint()).build();
    Copier copiers =
        Copier.builder().registries(registry).s3(() -> Copier.s3Client(S3.settings())).build();
    return TestHandlers.respond(
        TestHandlers.handler(settings, copiers, log),
        cfn,
        CfnEvents.create(cfn.url(), props),
        Duration.ofMinutes(15));
  }

  @Test
  void copiesAnArchiveToAnEcrHostWithTheTokenFromTheEcrApi() throws Exception {
    aws.ecrToken("AWS:ecr-token-for-archive");
    registry.requireCredential(new Credential("AWS", "ecr-token-for-archive"));
    ImageArchives.Image img = ImageArchives.image(11, "amd64", 2, 30_000);
    S3.put(
        "deploy",
        "app.tar.gz",
        ImageArchives.gzip(
            ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:1.0"))).finish()));
    Log log =
        new Log(new PrintStream(new ByteArrayOutputStream()), Log.Level.INFO, Clock.systemUTC());
    JsonNode r =
        deploy(
            CfnEvents.props(
                "s3://deploy/app.tar.gz:app:1.0",
                "docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0"),
            log);
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    String digest =
        registry.manifest("123456789012.dkr.ecr.us-east-1.amazonaws.com/app", "1.0").digest();
    assertEquals(digest, r.path("Data").path("ImageDigest").asText());
    assertEquals(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@" + digest,
        r.path("Data").path("ImageUri").asText());
  }

  @Test
  void noOutputOfACopyWithCredentialsContainsThePassword() throws Exception {
    String password = "Pa55-w0rd-that-must-not-leak";
    aws.secret("dest-registry", "{\"username\":\"pusher\",\"password\":\"" + password + "\"}");
    registry.requireCredential(new Credential("pusher", password));
    ImageArchives.Image img = ImageArchives.image(12, "amd64", 2, 20_000);
    S3.put(
        "deploy",
        "oci.tar",
        ImageArchives.ociArchive(List.of(img), List.of("amd64"), "v2").tar().finish());

    ByteArrayOutputStream all = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(all, true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(capture);
    System.setErr(capture);
    JsonNode ok;
    JsonNode failed;
    try {
      Log log = new Log(capture, Log.Level.DEBUG, Clock.systemUTC());
      ok =
          deploy(
              Map.of(
                  "SrcImage", "s3://deploy/oci.tar",
                  "DestImage", "docker://registry.example.com:5000/team/app:v2",
                  "DestCreds", "dest-registry"),
              log);
      cfn.clear();
      // A wrong literal password fails at the registry; its message must not show it either.
      failed =
          deploy(
              Map.of(
                  "SrcImage", "s3://deploy/oci.tar",
                  "DestImage", "docker://registry.example.com:5000/team/app:v2",
                  "DestCreds", "pusher:" + password + "-wrong"),
              log);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertEquals("SUCCESS", ok.path("Status").asText(), ok.toString());
    assertEquals("FAILED", failed.path("Status").asText());
    String output = all.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("blob sha256:"), output);
    assertTrue(output.contains("reading secret dest-registry"), output);
    for (String text : List.of(output, ok.toString(), failed.toString())) {
      assertFalse(text.contains(password), text);
    }
    assertEquals(
        "authentication to registry.example.com:5000 failed (HTTP 401 UNAUTHORIZED) (log stream: "
            + FakeLambdaContext.LOG_STREAM
            + ")",
        failed.path("Reason").asText().replaceFirst("^copying .* failed: ", ""));
  }
}
