package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.TestHandlers;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Runs CloudFormation events through the production handler (the standard copy engine), built by
 * {@link TestHandlers#standard}, and captures everything it logs.
 */
final class Deployments {
  /** Suffix every FAILED reason ends with. */
  static final String LOG_STREAM_SUFFIX = " (log stream: " + FakeLambdaContext.LOG_STREAM + ")";

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final Log log =
      new Log(
          new PrintStream(logged, true, StandardCharsets.UTF_8),
          Log.Level.DEBUG,
          Clock.systemUTC());
  private final AwsSettings settings;

  Deployments(AwsSettings settings) {
    this.settings = settings;
  }

  /** Everything logged so far. */
  String log() {
    return logged.toString(StandardCharsets.UTF_8);
  }

  /** A Create event with {@code props}, 15 minutes of Lambda time; the one response. */
  JsonNode create(ResponseUrlServer cfn, Map<String, String> props) throws Exception {
    return run(cfn, CfnEvents.create(cfn.url(), props), Duration.ofMinutes(15));
  }

  /** Any event with {@code remaining} Lambda time; the one response. */
  JsonNode run(ResponseUrlServer cfn, byte[] event, Duration remaining) throws Exception {
    cfn.clear();
    return TestHandlers.respond(TestHandlers.standard(settings, log), cfn, event, remaining);
  }

  /** The reason of a FAILED response without its log-stream suffix (which is checked). */
  static String failedReason(JsonNode response) {
    assertEquals("FAILED", response.path("Status").asText(), response.toString());
    String reason = response.path("Reason").asText();
    assertTrue(reason.endsWith(LOG_STREAM_SUFFIX), reason);
    return reason.substring(0, reason.length() - LOG_STREAM_SUFFIX.length());
  }
}
