package io.github.cdkecrdeployment.handler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The credential resolver, through its real AWS calls, against every documented case the {@link
 * AwsApiStub} answers: how a secret is looked up (name, complete ARN, partial ARN, another region)
 * and each error {@code GetSecretValue} documents. Each case names the AWS API reference page whose
 * behaviour it follows. Every secret value contains {@link #SECRET}, which must appear in no
 * message and no log line.
 */
class CredentialResolverAwsCasesTest {
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final String SECRET = "never-shown-7f3a";
  private static final String VALUE = "robot:" + SECRET;
  private static final ImageReference HUB = ImageReference.parse("nginx:latest");

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final Log log =
      new Log(
          new PrintStream(logged, true, StandardCharsets.UTF_8),
          Log.Level.DEBUG,
          Clock.systemUTC());

  private CredentialResolver.Session session() {
    return new CredentialResolver(aws.settings().build(), log).session();
  }

  /**
   * A lookup that succeeds.
   *
   * @param setUp stores the secret
   * @param secretId what SrcCreds says, given the stub (so it can ask for the generated ARN)
   * @param region where the request must be signed
   */
  record Found(
      String name,
      Consumer<AwsApiStub> setUp,
      Function<AwsApiStub, String> secretId,
      String region) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Found> lookups() {
    String euArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:team/registry-Xy12Zq";
    return Stream.of(
        // SecretId "The ARN or name of the secret to retrieve."
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
        new Found(
            "by name", a -> a.secret("team/registry", VALUE), a -> "team/registry", "us-east-1"),
        new Found(
            "by complete ARN",
            a -> a.secret("team/registry", VALUE),
            a -> a.secretArn("team/registry"),
            "us-east-1"),
        // A partial ARN is the ARN without the hyphen and six random characters.
        // https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen
        new Found(
            "by partial ARN",
            a -> a.secret("team/registry", VALUE),
            a ->
                a.secretArn("team/registry")
                    .substring(0, a.secretArn("team/registry").length() - 7),
            "us-east-1"),
        // Secrets are regional: an ARN of another region is read from that region's endpoint.
        // https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
        new Found(
            "complete ARN in another region", a -> a.secret(euArn, VALUE), a -> euArn, "eu-west-1"),
        new Found(
            "partial ARN in another region",
            a -> a.secret(euArn, VALUE),
            a -> euArn.substring(0, euArn.length() - 7),
            "eu-west-1"),
        new Found(
            "JSON value by name",
            a -> a.secret("ecs/format", "{\"username\":\"robot\",\"password\":\"" + SECRET + "\"}"),
            a -> "ecs/format",
            "us-east-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lookups")
  void findsTheSecret(Found c) throws Exception {
    c.setUp().accept(aws);
    String id = c.secretId().apply(aws);
    assertEquals(new Credential("robot", SECRET), session().resolve("SrcCreds", id, HUB));
    AwsApiStub.Call call = aws.calls().get(0);
    assertEquals(AwsApiStub.GET_SECRET_VALUE, call.target());
    assertEquals(c.region(), call.region(), "signed for the secret's region");
    assertEquals("secretsmanager", call.service());
    assertEquals(id, call.body().path("SecretId").asText(), "SecretId as given");
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains(SECRET));
  }

  @Test
  void storedArnsHaveTheSixCharacterSuffix() {
    aws.secret("team/registry", VALUE);
    assertTrue(
        aws.secretArn("team/registry")
            .matches(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:team/registry-[A-Za-z0-9]{6}"),
        aws.secretArn("team/registry"));
  }

  /**
   * A lookup that fails.
   *
   * @param setUp stores the secret in the state under test
   * @param expected the whole message
   */
  record Failed(String name, Consumer<AwsApiStub> setUp, String secretId, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Failed> failures() {
    String shape = "user:password or {\"username\":…,\"password\":…}";
    return Stream.of(
        // ResourceNotFoundException: "Secrets Manager can't find the resource that you asked for."
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_Errors
        new Failed(
            "no such secret",
            a -> {},
            "team/missing",
            "SrcCreds: secret team/missing was not found in us-east-1; check the name or ARN, or"
                + " create the secret with "
                + shape),
        // Regional: a name is looked up in the handler's region only.
        new Failed(
            "name of a secret in another region",
            a ->
                a.secret(
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:eu-only-Ab12Cd", VALUE),
            "eu-only",
            "SrcCreds: secret eu-only was not found in us-east-1; check the name or ARN, or create"
                + " the secret with "
                + shape),
        // No AWSCURRENT version: a secret created without SecretString or SecretBinary.
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
        new Failed(
            "secret without a value",
            a -> a.secretWithoutValue("team/empty"),
            "team/empty",
            "SrcCreds: secret team/empty has no current value (no AWSCURRENT version); store "
                + shape
                + " in it (aws secretsmanager put-secret-value)"),
        // SecretBinary instead of SecretString.
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_ResponseSyntax
        new Failed(
            "binary secret",
            a -> a.binarySecret("team/binary", VALUE.getBytes(StandardCharsets.UTF_8)),
            "team/binary",
            "SrcCreds: secret team/binary holds binary data only; store "
                + shape
                + " as its secret string"),
        // InvalidRequestException: "The secret is scheduled for deletion."
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_Errors
        new Failed(
            "secret scheduled for deletion",
            a -> a.secret("team/old", VALUE).scheduleSecretDeletion("team/old"),
            "team/old",
            "SrcCreds: reading secret team/old in us-east-1 failed with HTTP 400"
                + " InvalidRequestException (You can't perform this operation on the secret because"
                + " it was marked for deletion.); a secret scheduled for deletion cannot be read:"
                + " restore it (aws secretsmanager restore-secret --secret-id team/old) or use"
                + " another secret"),
        // AccessDeniedException, a common error.
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html
        new Failed(
            "no permission to read the secret",
            a -> a.secret("team/locked", VALUE).denySecretAccess("team/locked"),
            "team/locked",
            "SrcCreds: reading secret team/locked in us-east-1 failed with HTTP 400"
                + " AccessDeniedException; grant the handler's role secretsmanager:GetSecretValue"
                + " on it (use addToPrincipalPolicy)"),
        // "If the secret is encrypted using a customer-managed key ... you also need kms:Decrypt"
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
        new Failed(
            "no permission to use the secret's KMS key",
            a -> a.secret("team/cmk", VALUE).denyKmsDecrypt("team/cmk"),
            "team/cmk",
            "SrcCreds: reading secret team/cmk in us-east-1 failed with HTTP 400"
                + " AccessDeniedException (Access to KMS is not allowed); grant the handler's role"
                + " kms:Decrypt on the secret's KMS key (use addToPrincipalPolicy)"),
        // DecryptionFailure: "Secrets Manager can't decrypt the protected secret text using the
        // provided KMS key."
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_Errors
        new Failed(
            "KMS key cannot decrypt",
            a -> a.secret("team/disabled-key", VALUE).disableSecretKey("team/disabled-key"),
            "team/disabled-key",
            "SrcCreds: secret team/disabled-key cannot be decrypted with its KMS key"
                + " (DecryptionFailure); check that the key is enabled and that the handler's role"
                + " may use it (kms:Decrypt)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failsWithTheSecretAndTheFixButNeverTheValue(Failed c) {
    c.setUp().accept(aws);
    CredentialException e =
        assertThrows(
            CredentialException.class, () -> session().resolve("SrcCreds", c.secretId(), HUB));
    assertEquals(c.expected(), e.getMessage());
    assertEquals(1, aws.calls().size(), "one GetSecretValue, no retry of a client error");
    assertFalse(e.getMessage().contains(SECRET));
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains(SECRET));
  }

  @Test
  void aCompleteArnOfADeletedSecretIsStillAnInvalidRequestNotANotFound() {
    aws.secret("team/old", VALUE).scheduleSecretDeletion("team/old");
    String arn = aws.secretArn("team/old");
    String m =
        assertThrows(CredentialException.class, () -> session().resolve("DestCreds", arn, HUB))
            .getMessage();
    assertTrue(m.startsWith("DestCreds: reading secret " + arn + " in us-east-1 failed"), m);
    assertTrue(m.contains("restore-secret --secret-id " + arn), m);
  }

  @Test
  void aServiceErrorIsRetriedAsTheSdkDidThreeAttemptsInAll() throws Exception {
    // Standard retry mode: 5xx and throttling errors are retried, 3 attempts in all.
    // https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
    aws.secret("team/registry", VALUE)
        .failNext(AwsApiStub.GET_SECRET_VALUE, 1, 500, "InternalFailure");
    assertEquals(
        new Credential("robot", SECRET), session().resolve("SrcCreds", "team/registry", HUB));
    assertEquals(2, aws.calls().size());

    aws.fail(AwsApiStub.GET_SECRET_VALUE, 503, "ServiceUnavailable");
    assertEquals(
        "SrcCreds: reading secret team/registry in us-east-1 failed with HTTP 503"
            + " ServiceUnavailable; check the secret and retry",
        assertThrows(
                CredentialException.class,
                () -> session().resolve("SrcCreds", "team/registry", HUB))
            .getMessage());
    assertEquals(5, aws.calls().size());
  }

  @Test
  void ecrErrorsNameThePermission() {
    // GetAuthorizationToken errors; AccessDeniedException is a common error of every ECR action.
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html
    aws.fail(AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN, 400, "InvalidParameterException");
    assertEquals(
        "cannot get an ECR token for 123456789012.dkr.ecr.eu-west-1.amazonaws.com:"
            + " GetAuthorizationToken in eu-west-1 failed with HTTP 400 InvalidParameterException"
            + " (injected InvalidParameterException); check that ECR is available in eu-west-1",
        assertThrows(
                CredentialException.class,
                () ->
                    session()
                        .resolve(
                            "DestCreds",
                            null,
                            ImageReference.parse(
                                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1")))
            .getMessage());
    assertEquals("eu-west-1", aws.calls().get(0).region());
    assertEquals("ecr", aws.calls().get(0).service());
  }
}
