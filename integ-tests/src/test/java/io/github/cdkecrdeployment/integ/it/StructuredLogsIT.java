package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.examples.privateregistry.PrivateRegistryStack;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.CustomResourceDriver;
import io.github.cdkecrdeployment.integ.e2e.Expect;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.StackProps;

/**
 * The synthesized handler under the runtime interface client with Lambda's JSON log format ({@code
 * AWS_LAMBDA_LOG_FORMAT=JSON}, {@code AWS_LAMBDA_LOG_LEVEL=INFO}, as Lambda sets them for a
 * function whose logging config says JSON): every line the handler writes to stdout is one JSON
 * object with the invocation's request id, copy progress carries its fields, and neither the
 * registry password (from a Secrets Manager secret) nor a wrong one appears in any line. The text
 * format's no-leak check is {@link PrivateRegistryIT}'s.
 */
class StructuredLogsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "registry.test";
  private static final String REPO = "team/logged-app";
  private static final String WRONG_PASSWORD = "Wr0ng-pa55word-4-json-logs";

  private static RegistryServer registry;
  private static LocalDeployment deployment;
  private static TestImages.Node image;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start(RegistryServer.Options.basic());
    image = Images.single(67, TestImages.Format.DOCKER);
    Images.push(registry, REPO, "1.0", image);
    String source = HOST + ":" + registry.port() + "/" + REPO + ":1.0";
    deployment =
        LocalDeployment.start(
            StructuredLogsIT.class,
            app ->
                new PrivateRegistryStack(
                    app,
                    "EcrDeploymentJsonLogs",
                    StackProps.builder().build(),
                    source,
                    PrivateRegistryStack.DEFAULT_SECRET),
            o ->
                o.resolveToLoopback(HOST)
                    .environment("AWS_LAMBDA_LOG_FORMAT", "JSON")
                    .environment("AWS_LAMBDA_LOG_LEVEL", "INFO")
                    // Lambda's level wins over the handler's own setting.
                    .environment("LOG_LEVEL", "ERROR"));
    deployment
        .aws()
        .secret(PrivateRegistryStack.DEFAULT_SECRET, RegistryServer.SECRET_JSON)
        .secret("cdk-ecr-deployment/wrong", RegistryServer.USER + ":" + WRONG_PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, registry);
  }

  @Test
  void everyHandlerLineIsOneRedactedJsonObject() throws Exception {
    CustomResourceSpec resource = deployment.deployment();
    Map<String, String> props = deployment.properties(resource);
    CustomResourceDriver driver = deployment.driver(resource);

    CustomResourceDriver.Exchange created = driver.create(props);
    Expect.succeeded(created, deployment.output());
    Map<String, String> wrong = new LinkedHashMap<>(LocalDeployment.withDestinationTag(props, "x"));
    wrong.put("SrcCreds", "cdk-ecr-deployment/wrong");
    CustomResourceDriver.Exchange refused = driver.create(wrong);
    Expect.failed(refused, deployment.output());

    String stdout = deployment.lambda().runtime().stdout();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("a stdout line is not JSON: " + line + "\nstdout:\n" + stdout, e);
      }
      assertTrue(n != null && n.isObject(), "not a JSON object: " + line);
      for (String key : List.of("timestamp", "level", "message")) {
        assertTrue(n.hasNonNull(key), key + " missing in " + line);
      }
      lines.add(n);
    }
    assertTrue(lines.size() > 5, "the handler logged its stages: " + stdout);

    String createId = created.invocation().requestId();
    String refusedId = refused.invocation().requestId();
    List<JsonNode> ofCreate =
        lines.stream().filter(n -> createId.equals(n.path("requestId").asText())).toList();
    assertFalse(ofCreate.isEmpty(), "lines carry the request id " + createId + ": " + stdout);
    assertTrue(
        lines.stream().anyMatch(n -> refusedId.equals(n.path("requestId").asText())),
        "lines of the second invocation carry its request id " + refusedId);
    assertTrue(
        lines.stream().anyMatch(n -> "INFO".equals(n.path("level").asText())),
        "AWS_LAMBDA_LOG_LEVEL=INFO lets info lines through, whatever LOG_LEVEL says");
    assertTrue(
        lines.stream()
            .anyMatch(
                n ->
                    "ERROR".equals(n.path("level").asText())
                        && refusedId.equals(n.path("requestId").asText())),
        "the refused copy logs an ERROR line");

    // One line per blob of the image, with the progress fields.
    List<JsonNode> blobs = ofCreate.stream().filter(n -> n.has("digest")).toList();
    assertFalse(blobs.isEmpty(), "blob lines in " + stdout);
    for (JsonNode b : blobs) {
      assertTrue(b.path("digest").asText().startsWith("sha256:"), b.toString());
      assertTrue(b.path("bytes").isIntegralNumber(), b.toString());
      assertTrue(b.path("seconds").isNumber(), b.toString());
      assertTrue(b.hasNonNull("stage"), b.toString());
      if ("copied".equals(b.path("outcome").asText())) {
        assertTrue(b.path("mbPerSecond").isNumber(), b.toString());
      }
    }
    assertTrue(
        ofCreate.stream().anyMatch(n -> n.hasNonNull("stage") && !n.has("digest")),
        "stage lines carry their stage");

    String all = deployment.output();
    assertFalse(all.contains(RegistryServer.PASSWORD), "the registry password is never logged");
    assertFalse(all.contains(WRONG_PASSWORD), "the wrong password is never logged");
    assertEquals(
        1,
        deployment.lambda().starts(),
        "one runtime served both invocations, so every line above is from this run");
  }
}
