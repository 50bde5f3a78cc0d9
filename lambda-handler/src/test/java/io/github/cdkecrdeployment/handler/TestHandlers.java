package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.auth.CredentialResolver;
import io.github.cdkecrdeployment.handler.cfn.ResponseSender;
import io.github.cdkecrdeployment.handler.cleanup.TagCleanup;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Handlers wired for tests, and one event run through them: the one place tests build an {@link
 * EcrDeploymentHandler}, so a change of its constructor is fixed here only.
 */
public final class TestHandlers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestHandlers() {}

  /**
   * The production handler (the standard copy engine with AWS clients from {@code settings}) with a
   * response sender with short waits: what the reliability suites drive with events.
   */
  public static EcrDeploymentHandler standard(AwsSettings settings, Log log) {
    return handler(
        settings, io.github.cdkecrdeployment.handler.copy.Copier.standard(settings), log);
  }

  /** A handler with AWS clients from {@code settings} and a response sender with short waits. */
  static EcrDeploymentHandler handler(AwsSettings settings, ImageCopier copier, Log log) {
    return handler(settings, copier, log, Clock.systemUTC());
  }

  /** The same on a given clock (for the deadline). */
  static EcrDeploymentHandler handler(
      AwsSettings settings, ImageCopier copier, Log log, Clock clock) {
    return new EcrDeploymentHandler(
        new CredentialResolver(settings, log),
        copier,
        new ResponseSender(log, 3, Duration.ofMillis(10), Duration.ofSeconds(5)),
        log,
        clock,
        new TagCleanup(settings, log));
  }

  /**
   * Runs {@code event} with {@code remaining} Lambda time left and returns the one response: a PUT
   * to the event's URL with an empty Content-Type and at most 4096 bytes.
   */
  public static JsonNode respond(
      EcrDeploymentHandler handler, ResponseUrlServer cfn, byte[] event, Duration remaining)
      throws Exception {
    handler.handleRequest(
        new ByteArrayInputStream(event),
        new ByteArrayOutputStream(),
        new FakeLambdaContext(remaining));
    List<ResponseUrlServer.Request> requests = cfn.requests();
    assertEquals(1, requests.size(), "exactly one response");
    ResponseUrlServer.Request r = requests.get(0);
    assertEquals("PUT", r.method());
    assertEquals("", r.headers().get("content-type"));
    assertEquals(cfn.url().getRawPath() + "?" + cfn.url().getRawQuery(), r.pathAndQuery());
    assertTrue(r.body().length <= 4096);
    return JSON.readTree(r.body());
  }
}
