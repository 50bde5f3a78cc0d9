package io.github.cdkecrdeployment.handler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class CredentialResolverTest {
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ImageReference DOCKER_HUB = ImageReference.parse("nginx:latest");
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final Log log =
      new Log(
          new PrintStream(logged, true, StandardCharsets.UTF_8),
          Log.Level.DEBUG,
          Clock.systemUTC());

  private CredentialResolver.Session session() {
    AwsSettings s =
        AwsSettings.builder()
            .region(Region.US_EAST_1)
            .credentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDTEST", "test-secret-key")))
            .ecrEndpoint(aws.endpoint())
            .ecrPublicEndpoint(aws.endpoint())
            .secretsManagerEndpoint(aws.endpoint())
            .build();
    return new CredentialResolver(s, log).session();
  }

  private String error(String spec) {
    return assertThrows(
            CredentialException.class, () -> session().resolve("SrcCreds", spec, DOCKER_HUB))
        .getMessage();
  }

  @Test
  void literalUserPassword() throws Exception {
    assertEquals(
        new Credential("bob", "pa:ss"), session().resolve("SrcCreds", "bob:pa:ss", DOCKER_HUB));
    assertEquals(
        "SrcCreds has an empty password: use user:password, a Secrets Manager secret name, or a"
            + " secret ARN",
        error("bob:"));
    assertEquals(
        "SrcCreds has an empty user name: use user:password, a Secrets Manager secret name, or a"
            + " secret ARN",
        error(":s3cr3t-value"));
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains("pa:ss"));
  }

  @Test
  void secretByNameInBothFormats() throws Exception {
    aws.secret("plain", "alice:hunter2-plain");
    aws.secret("ecs", "{\"username\":\"carol\",\"password\":\"hunter2-json\"}");
    assertEquals(
        new Credential("alice", "hunter2-plain"),
        session().resolve("DestCreds", "plain", DOCKER_HUB));
    assertEquals(
        new Credential("carol", "hunter2-json"), session().resolve("DestCreds", "ecs", DOCKER_HUB));
    assertEquals("us-east-1", aws.calls().get(0).region());
    assertEquals("secretsmanager", aws.calls().get(0).service());
    CredentialResolver.Session s = session();
    s.resolve("SrcCreds", "plain", DOCKER_HUB);
    s.resolve("DestCreds", "plain", DOCKER_HUB);
    assertEquals(3, aws.calls().size(), "one read of a secret both sides use");
    String out = log.scrub("x hunter2-plain y hunter2-json");
    assertEquals("x <redacted> y <redacted>", out);
  }

  @Test
  void secretArnIsReadInItsOwnRegionAndPartition() throws Exception {
    String[][] cases = {
      {"arn:aws:secretsmanager:eu-west-1:123456789012:secret:reg-AbCdEf", "eu-west-1"},
      {"arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:reg-AbCdEf", "cn-north-1"},
      {
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:reg-AbCdEf",
        "us-gov-west-1"
      }
    };
    for (String[] c : cases) {
      aws.secret(c[0], "dave:pw-" + c[1]);
      assertEquals(
          new Credential("dave", "pw-" + c[1]), session().resolve("SrcCreds", c[0], DOCKER_HUB));
    }
    List<AwsApiStub.Call> calls = aws.calls();
    for (int i = 0; i < cases.length; i++) {
      assertEquals(cases[i][1], calls.get(i).region());
      assertEquals(cases[i][0], calls.get(i).body().path("SecretId").asText());
    }
  }

  @Test
  void badSecretsAreClearErrorsThatNeverShowTheValue() {
    aws.binarySecret("bin", new byte[] {1, 2, 3});
    aws.secret("empty", "  ");
    aws.secret("nocolon", "justapasswordvalue");
    aws.secret("json", "{\"user\":\"x\",\"pass\":\"leakedvalue\"}");
    aws.secret("badjson", "{not json leakedvalue");
    assertEquals(
        "SrcCreds: secret bin holds binary data only; store user:password or"
            + " {\"username\":…,\"password\":…} as its secret string",
        error("bin"));
    assertEquals(
        "SrcCreds: secret empty is empty; store user:password or {\"username\":…,\"password\":…}"
            + " (the ECS private registry format) in it",
        error("empty"));
    assertEquals(
        "SrcCreds: secret nocolon is not of the form user:password; store user:password or"
            + " {\"username\":…,\"password\":…} (the ECS private registry format) in it",
        error("nocolon"));
    assertEquals(
        "SrcCreds: secret json is JSON without non-empty string fields \"username\" and"
            + " \"password\" (its keys: user, pass); store user:password or"
            + " {\"username\":…,\"password\":…} (the ECS private registry format) in it",
        error("json"));
    assertEquals(
        "SrcCreds: secret badjson starts with '{' but is not valid JSON; store user:password or"
            + " {\"username\":…,\"password\":…} (the ECS private registry format) in it",
        error("badjson"));
    assertEquals(
        "SrcCreds: secret missing was not found in us-east-1; check the name or ARN, or create the"
            + " secret with user:password or {\"username\":…,\"password\":…}",
        error("missing"));
    assertEquals(
        "SrcCreds 'arn:aws:s3:::bucket' is not a Secrets Manager secret ARN"
            + " (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME); use a secret ARN, a secret"
            + " name, or user:password",
        error("arn:aws:s3:::bucket"));
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains("leakedvalue"));
  }

  @Test
  void accessDeniedOnASecretSaysWhichPermission() {
    aws.secret("locked", "u:p4ssw0rd");
    aws.fail("secretsmanager.GetSecretValue", 400, "AccessDeniedException");
    assertEquals(
        "SrcCreds: reading secret locked in us-east-1 failed with HTTP 400 AccessDeniedException;"
            + " grant the handler's role secretsmanager:GetSecretValue on it (use"
            + " addToPrincipalPolicy)",
        error("locked"));
  }

  @Test
  void ecrHostsGetATokenFromTheirRegionCachedPerSession() throws Exception {
    aws.ecrToken("AWS:ecr-pw-123456");
    String[][] hosts = {
      {"123456789012.dkr.ecr.eu-central-1.amazonaws.com", "eu-central-1"},
      {"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn:443", "cn-north-1"},
      {"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
      {"123456789012.dkr-ecr.us-west-2.on.aws:5000", "us-west-2"}
    };
    CredentialResolver.Session s = session();
    for (String[] h : hosts) {
      ImageReference ref = ImageReference.parse(h[0] + "/app:1");
      Credential ecr =
          Credential.issued("AWS", "ecr-pw-123456", "ecr:GetAuthorizationToken in " + h[1]);
      assertEquals(ecr, s.resolve("DestCreds", null, ref));
      assertEquals(ecr, s.resolve("SrcCreds", null, ref));
    }
    List<AwsApiStub.Call> calls = aws.calls();
    assertEquals(hosts.length, calls.size(), "one token call per registry in a session");
    for (int i = 0; i < hosts.length; i++) {
      assertEquals(
          "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", calls.get(i).target());
      assertEquals(hosts[i][1], calls.get(i).region());
      assertEquals("ecr", calls.get(i).service());
    }
    session().resolve("DestCreds", null, ImageReference.parse(hosts[0][0] + "/app:1"));
    assertEquals(hosts.length + 1, aws.calls().size(), "a new session asks again");
  }

  @Test
  void ecrTokenFailureNamesThePermission() {
    aws.fail(
        "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", 400, "AccessDeniedException");
    String m =
        assertThrows(
                CredentialException.class,
                () ->
                    session()
                        .resolve(
                            "DestCreds",
                            null,
                            ImageReference.parse(
                                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1")))
            .getMessage();
    assertEquals(
        "cannot get an ECR token for 123456789012.dkr.ecr.us-east-1.amazonaws.com:"
            + " GetAuthorizationToken in us-east-1 failed with HTTP 400 AccessDeniedException; the"
            + " handler's role needs ecr:GetAuthorizationToken",
        m);
  }

  @Test
  void ecrPublicGetsATokenFromUsEast1() throws Exception {
    aws.ecrPublicToken("AWS:public-pw-987654");
    ImageReference ref = ImageReference.parse("public.ecr.aws/abc123/app:1");
    CredentialResolver.Session s = session();
    Credential pub =
        Credential.issued(
            "AWS", "public-pw-987654", "ecr-public:GetAuthorizationToken in us-east-1");
    assertEquals(pub, s.resolve("DestCreds", null, ref));
    assertEquals(pub, s.resolve("SrcCreds", null, ref));
    assertEquals(1, aws.calls().size());
    AwsApiStub.Call c = aws.calls().get(0);
    assertEquals("SpencerFrontendService.GetAuthorizationToken", c.target());
    assertEquals("us-east-1", c.region());
    assertEquals("ecr-public", c.service());
  }

  @Test
  void resolvedCredentialsAreRedactedAlsoAsTheirBasicAuthorizationValue() throws Exception {
    aws.ecrPublicToken("AWS:public-pw-987654");
    CredentialResolver.Session s = session();
    s.resolve("SrcCreds", "bob:literal-pw-42", DOCKER_HUB);
    s.resolve("DestCreds", null, ImageReference.parse("public.ecr.aws/abc123/app:1"));
    for (String pair : new String[] {"bob:literal-pw-42", "AWS:public-pw-987654"}) {
      String basic =
          java.util.Base64.getEncoder()
              .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(
          "Authorization: Basic <redacted>", log.scrub("Authorization: Basic " + basic), pair);
    }
  }

  @Test
  void ecrPublicFailureIsClear() {
    aws.fail("SpencerFrontendService.GetAuthorizationToken", 400, "AccessDeniedException");
    assertEquals(
        "ECR Public GetAuthorizationToken failed with HTTP 400 AccessDeniedException: injected"
            + " AccessDeniedException; the handler's role needs ecr-public:GetAuthorizationToken"
            + " and sts:GetServiceBearerToken",
        assertThrows(
                CredentialException.class,
                () ->
                    session()
                        .resolve("DestCreds", null, ImageReference.parse("public.ecr.aws/a/b:1")))
            .getMessage());
  }

  @Test
  void otherRegistriesAreAnonymous() throws Exception {
    assertNull(session().resolve("SrcCreds", null, DOCKER_HUB));
    assertNull(session().resolve("SrcCreds", "", ImageReference.parse("ghcr.io/a/b:1")));
    assertNull(
        session()
            .resolve(
                "SrcCreds", null, ImageReference.parse("123456789012.dkr.ecr.example.com/a:1")));
    assertEquals(0, aws.calls().size());
  }

  @Test
  void recognisesEcrHostForms() {
    assertEquals(
        new EcrHost("123456789012", "eu-west-3", false),
        EcrHost.parse("123456789012.dkr.ecr.eu-west-3.amazonaws.com"));
    assertEquals(
        new EcrHost("123456789012", "us-east-1", true),
        EcrHost.parse("123456789012.dkr-ecr-fips.us-east-1.on.aws"));
    assertEquals(
        new EcrHost("123456789012", "cn-northwest-1", false),
        EcrHost.parse("123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn"));
    assertNull(EcrHost.parse("12345.dkr.ecr.us-east-1.amazonaws.com"));
    assertNull(EcrHost.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com"));
  }
}
