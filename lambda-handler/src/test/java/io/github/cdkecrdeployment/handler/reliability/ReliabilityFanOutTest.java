package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.ChildJvm;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fan-out as CloudFormation does it: 20 custom resources of one stack start at once, each in its
 * own Lambda sandbox (here: its own JVM running the production handler), copying different images
 * (each a 2-platform index, so 3 manifest PUTs apiece) into one registry behind a proxy that
 * answers manifest PUTs above 10 per second with ECR's {@code 429 TOOMANYREQUESTS: Rate exceeded}.
 * All 20 succeed, byte-exact, each with exactly one response.
 *
 * <p>Fails when the machine is busy: ECR's throttling answer has no Retry-After, and a request
 * gives up after its 6 attempts with backoff from 200 ms (about 3 s of waiting in all), less than
 * 60 PUTs at 10 per second need; seen as {@code toomanyrequests: push to .../fan/app6:v1 failed
 * (HTTP 429: Rate exceeded)}.
 */
class ReliabilityFanOutTest {
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.anonymous();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  static final int SANDBOXES = 20;
  static final int MANIFEST_PUTS_PER_SECOND = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void twentySandboxesAtOnceAllSucceedUnderEcrThrottling() throws Exception {
    TestCa.shared().trustInThisJvm();
    TestImages gen = new TestImages(1151);
    List<Node> images = new ArrayList<>();
    for (int i = 0; i < SANDBOXES; i++) {
      Node index =
          gen.index(
                  Format.OCI,
                  gen.image(Format.OCI, "linux/amd64").layers(3_000).build(),
                  gen.image(Format.OCI, "linux/arm64/v8").layers(3_000).build())
              .build();
      gen.push(SOURCE.server().http(), "fan/app" + i, "v1", index);
      images.add(index);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "fan-out-test-secret");
    env.put("AWS_ENDPOINT_URL_ECR", aws.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.endpoint().toString());
    env.put("LOG_LEVEL", "INFO");
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      proxy.throttleManifestPuts(MANIFEST_PUTS_PER_SECOND);
      List<ChildJvm> sandboxes = new ArrayList<>();
      for (int i = 0; i < SANDBOXES; i++) {
        Map<String, String> props =
            new LinkedHashMap<>(
                CfnEvents.props(
                    "docker://" + SOURCE.server().host() + "/fan/app" + i + ":v1",
                    "docker://" + proxy.host() + "/fan/app" + i + ":v1"));
        props.put("CopyImageIndex", "true");
        ObjectNode event = (ObjectNode) JSON.readTree(CfnEvents.create(cfn.url(), props));
        event.put("RequestId", "fan-out-" + i);
        Path file = work.resolve("event-" + i + ".json");
        Files.write(file, JSON.writeValueAsBytes(event));
        sandboxes.add(
            ChildJvm.start(
                HandlerProcessMain.class.getName(),
                List.of(file.toString(), Long.toString(Duration.ofMinutes(15).toMillis())),
                env,
                work.resolve("sandbox-" + i)));
      }
      List<ChildJvm.Result> results = new ArrayList<>();
      for (ChildJvm s : sandboxes) {
        results.add(s.await(Duration.ofMinutes(5)));
      }
      for (int i = 0; i < SANDBOXES; i++) {
        String id = "fan-out-" + i;
        List<JsonNode> mine = new ArrayList<>();
        for (ResponseUrlServer.Request r : cfn.requests()) {
          JsonNode body = JSON.readTree(r.body());
          if (body.path("RequestId").asText().equals(id)) {
            mine.add(body);
          }
        }
        assertEquals(1, mine.size(), id + " gets exactly one response: " + results.get(i).stdout());
        JsonNode r = mine.get(0);
        assertEquals(
            "SUCCESS", r.path("Status").asText(), id + ": " + r + "\n" + results.get(i).stdout());
        assertEquals(images.get(i).digest(), r.path("Data").path("ImageDigest").asText(), id);
        assertEquals(0, results.get(i).exitCode(), id + ": " + results.get(i).stderr());
        assertEquals(
            images.get(i).digest(), DEST.server().http().manifestDigest("fan/app" + i, "v1"), id);
      }
      // The oracle on a few of them.
      for (int i : new int[] {0, SANDBOXES / 2, SANDBOXES - 1}) {
        assertEquals(images.get(i).digest(), Skopeo.digest(DEST.server(), "fan/app" + i + ":v1"));
      }
      long puts = proxy.count("PUT", "/manifests/");
      System.out.println(
          "fan-out: "
              + SANDBOXES
              + " sandboxes, "
              + puts
              + " manifest PUTs, "
              + proxy.faultCounts().getOrDefault("THROTTLE", 0)
              + " answered 429 TOOMANYREQUESTS (limit "
              + MANIFEST_PUTS_PER_SECOND
              + "/s)");
    }
  }
}
