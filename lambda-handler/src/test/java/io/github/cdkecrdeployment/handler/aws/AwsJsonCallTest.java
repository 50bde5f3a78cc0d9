package io.github.cdkecrdeployment.handler.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON 1.1 calls: the request the service gets (target, signature scope, body), the error code
 * and message of each error shape the protocol allows, and the retry, against the {@link
 * AwsApiStub}.
 */
class AwsJsonCallTest {
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final AwsRetry FAST =
      new AwsRetry(
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(5)),
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(5)));

  private AwsJsonCall call(AwsService service) {
    AwsSettings settings = aws.settings().build();
    return new AwsJsonCall(
        service, AwsEndpoints.of(settings), SignedCall.standard(settings.credentials()), FAST);
  }

  private JsonNode getToken(String region) throws Exception {
    return call(AwsService.ECR)
        .call(
            "GetAuthorizationToken in " + region,
            region,
            false,
            AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN,
            JsonNodeFactory.instance.objectNode(),
            Deadline.none());
  }

  @Test
  void aCallPostsItsTargetAndBodySignedForTheServiceAndRegion() throws Exception {
    aws.secret("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf", "u:p");
    JsonNode r =
        call(AwsService.SECRETS_MANAGER)
            .call(
                "GetSecretValue in eu-west-1",
                "eu-west-1",
                false,
                AwsApiStub.GET_SECRET_VALUE,
                JsonNodeFactory.instance.objectNode().put("SecretId", "app"),
                Deadline.none());
    assertEquals("u:p", r.path("SecretString").asText());
    AwsApiStub.Call c = aws.calls().get(0);
    assertEquals(
        new AwsApiStub.Call(
            AwsApiStub.GET_SECRET_VALUE,
            "eu-west-1",
            "secretsmanager",
            JsonNodeFactory.instance.objectNode().put("SecretId", "app")),
        c);
  }

  @Test
  void throttlingAndServerErrorsAreRetried() throws Exception {
    aws.failNext(AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN, 2, 400, "ThrottlingException");
    assertTrue(getToken("us-east-1").path("authorizationData").isArray());
    assertEquals(3, aws.calls().size());

    aws.fail(AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN, 503, "ServiceUnavailableException");
    AwsServiceError e = assertThrows(AwsServiceError.class, () -> getToken("us-east-1"));
    assertEquals(503, e.status());
    assertEquals("ServiceUnavailableException", e.code());
    assertEquals(6, aws.calls().size(), "3 attempts in all");
    assertEquals(
        "GetAuthorizationToken in us-east-1 failed with HTTP 503 ServiceUnavailableException:"
            + " injected ServiceUnavailableException (request id"
            + " 00000000-0000-0000-0000-000000000000)",
        e.getMessage());
  }

  @Test
  void clientErrorsAreNotRetried() {
    aws.fail(AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN, 400, "AccessDeniedException");
    AwsServiceError e = assertThrows(AwsServiceError.class, () -> getToken("eu-west-1"));
    assertEquals("AccessDeniedException", e.code());
    assertFalse(e.isTransient());
    assertEquals(1, aws.calls().size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // The code in the header, before its colon.
        "header | ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/ |"
            + " {\"message\":\"bad\"} | ValidationException | bad",
        // The header comes first.
        "header over body | ThrottlingException | {\"__type\":\"Other\"} | ThrottlingException |",
        // The body's __type, without the namespace before '#'.
        "namespaced __type | | {\"__type\":\"com.amazonaws.secretsmanager#ResourceNotFoundException\","
            + "\"Message\":\"not found\"} | ResourceNotFoundException | not found",
        "plain __type | | {\"__type\":\"DecryptionFailure\",\"message\":\" \"} | DecryptionFailure |",
        "no code | | {} | |",
      })
  void errorCodesAndMessagesAsTheProtocolAllowsThem(
      String name, String header, String body, String code, String message) throws Exception {
    AwsServiceError e =
        AwsJsonCall.error(
            "Call", 400, header, io.github.cdkecrdeployment.handler.common.Json.read(body), "R2");
    assertEquals(code, e.code(), name);
    assertEquals(message, e.serviceMessage(), name);
    assertEquals("R2", e.requestId());
  }

  @Test
  void noFailureNamesTheCredentials() throws Exception {
    String secret = "wJalrXUtnFEMI-never-shown-3f9a";
    String token = "session-token-never-shown-77c1";
    SignedCall signed =
        SignedCall.standard(
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                    "ASIATEST", secret, token)));
    aws.fail(AwsApiStub.GET_SECRET_VALUE, 400, "AccessDeniedException");
    java.util.List<AwsSettings> failing =
        java.util.List.of(
            // A service error, a refused connection, a malformed endpoint.
            aws.settings().build(),
            aws.settings()
                .secretsManagerEndpoint(java.net.URI.create("http://127.0.0.1:9"))
                .build(),
            aws.settings().secretsManagerEndpoint(java.net.URI.create("http:/nohost")).build());
    for (AwsSettings settings : failing) {
      java.io.IOException e =
          assertThrows(
              java.io.IOException.class,
              () ->
                  new AwsJsonCall(
                          AwsService.SECRETS_MANAGER, AwsEndpoints.of(settings), signed, FAST)
                      .call(
                          "GetSecretValue",
                          "us-east-1",
                          false,
                          AwsApiStub.GET_SECRET_VALUE,
                          JsonNodeFactory.instance.objectNode().put("SecretId", "s"),
                          Deadline.none()));
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      assertFalse(trace.toString().contains(secret), trace.toString());
      assertFalse(trace.toString().contains(token), trace.toString());
    }
  }

  @Test
  void aResponseThatIsNotJsonIsAnErrorOfItsStatus() {
    AwsServiceError e = AwsJsonCall.error("Call", 502, null, null, null);
    assertNull(e.code());
    assertEquals("Call failed with HTTP 502", e.getMessage());
    assertTrue(e.isTransient());
  }
}
