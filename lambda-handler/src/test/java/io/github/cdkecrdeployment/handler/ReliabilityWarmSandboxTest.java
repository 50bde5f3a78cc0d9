package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A warm sandbox answers event after event with one handler: what it keeps for redaction (every
 * event's pre-signed URL, every credential) must not grow without bound, and the newest secrets are
 * still redacted.
 */
class ReliabilityWarmSandboxTest {
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theRedactionListOfAWarmSandboxStaysBounded() throws Exception {
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    Log log =
        new Log(
            new PrintStream(logged, true, StandardCharsets.UTF_8),
            Log.Level.INFO,
            Clock.systemUTC());
    EcrDeploymentHandler handler = TestHandlers.standard(aws.settings().build(), log);
    int events = 3 * Log.MAX_SECRETS;
    String last = null;
    for (int i = 0; i < events; i++) {
      ObjectNode e =
          (ObjectNode)
              JSON.readTree(CfnEvents.delete(cfn.url(), Map.of("SrcImage", "docker://a/b")));
      // Each event has its own pre-signed URL, as CloudFormation sends them.
      last = cfn.url() + "&X-Amz-Credential=invocation-" + i + "-signature-part";
      e.put("ResponseURL", last);
      cfn.clear();
      handler.handleRequest(
          new ByteArrayInputStream(JSON.writeValueAsBytes(e)),
          new ByteArrayOutputStream(),
          new FakeLambdaContext(Duration.ofMinutes(15)));
      JsonNode r = JSON.readTree(cfn.requests().get(0).body());
      assertEquals("SUCCESS", r.path("Status").asText());
    }
    assertTrue(
        log.secretCount() <= Log.MAX_SECRETS,
        "after " + events + " events the log keeps " + log.secretCount() + " secrets");
    // The newest URL is still redacted.
    log.info("about to answer " + last);
    String out = logged.toString(StandardCharsets.UTF_8);
    assertFalse(out.contains(last), "the newest response URL is redacted");
    assertFalse(out.contains("invocation-" + (events - 1) + "-signature-part"));
  }
}
