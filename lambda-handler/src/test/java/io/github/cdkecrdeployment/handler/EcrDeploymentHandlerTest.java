package io.github.cdkecrdeployment.handler;

import static io.github.cdkecrdeployment.handler.testing.CfnEvents.LOGICAL_ID;
import static io.github.cdkecrdeployment.handler.testing.CfnEvents.PHYSICAL_ID;
import static io.github.cdkecrdeployment.handler.testing.CfnEvents.REQUEST_ID;
import static io.github.cdkecrdeployment.handler.testing.CfnEvents.STACK_ID;
import static io.github.cdkecrdeployment.handler.testing.FakeLambdaContext.LOG_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.cfn.InvalidEventException;
import io.github.cdkecrdeployment.handler.cfn.ResponseSender;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyProgress;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.DeadlineExceededException;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.RetryPolicy;
import io.github.cdkecrdeployment.handler.copy.Selection;
import io.github.cdkecrdeployment.handler.registry.Credential;
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
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EcrDeploymentHandlerTest {
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String SRC = "docker://nginx:1.27";
  private static final String DEST = "docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1";

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final Log log =
      new Log(
          new PrintStream(logged, true, StandardCharsets.UTF_8),
          Log.Level.DEBUG,
          Clock.systemUTC());
  private final AtomicReference<CopyRequest> seen = new AtomicReference<>();

  private ImageCopier succeeding() {
    return r -> {
      seen.set(r);
      return new CopyResult(DIGEST, r.destination(), new CopyProgress(3, 3, 300, 300), false);
    };
  }

  private EcrDeploymentHandler handler(ImageCopier copier) {
    return TestHandlers.handler(aws.settings().build(), copier, log);
  }

  private JsonNode run(ImageCopier copier, byte[] event) throws Exception {
    return run(copier, event, Duration.ofMinutes(15));
  }

  private JsonNode run(ImageCopier copier, byte[] event, Duration remaining) throws Exception {
    return TestHandlers.respond(handler(copier), cfn, event, remaining);
  }

  /** The FAILED reason for bad properties, without the log stream suffix. */
  private String reason(Map<String, String> props) throws Exception {
    seen.set(null);
    String reason = failedReason(succeeding(), props, Duration.ofMinutes(15));
    assertNull(seen.get(), "no copy on bad input");
    return reason;
  }

  /** The FAILED reason when {@code copier} fails, without the log stream suffix. */
  private String failedReason(ImageCopier copier) throws Exception {
    return failedReason(copier, props(), Duration.ofMinutes(15));
  }

  private String failedReason(ImageCopier copier, Map<String, String> props, Duration remaining)
      throws Exception {
    cfn.clear();
    JsonNode r = run(copier, CfnEvents.create(cfn.url(), props), remaining);
    assertEquals("FAILED", r.path("Status").asText());
    String reason = r.path("Reason").asText();
    String suffix = " (log stream: " + LOG_STREAM + ")";
    assertTrue(reason.endsWith(suffix), reason);
    return reason.substring(0, reason.length() - suffix.length());
  }

  private static Map<String, String> props(String... kv) {
    Map<String, String> m = new LinkedHashMap<>(CfnEvents.props(SRC, DEST));
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        m.remove(kv[i]);
      } else {
        m.put(kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  @Test
  void createCopiesAndAnswersWithDigestAndUri() throws Exception {
    cfn.requests();
    // A clock that stands still: the deadline is exactly the Lambda time left minus the margin.
    Clock still = Clock.fixed(java.time.Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    TestHandlers.handler(aws.settings().build(), succeeding(), log, still)
        .handleRequest(
            new ByteArrayInputStream(CfnEvents.create(cfn.url(), props())),
            new ByteArrayOutputStream(),
            new FakeLambdaContext(Duration.ofMinutes(15), still));
    assertEquals(
        "{\"Status\":\"SUCCESS\",\"PhysicalResourceId\":\""
            + REQUEST_ID
            + "\",\"StackId\":\""
            + STACK_ID
            + "\",\"RequestId\":\""
            + REQUEST_ID
            + "\",\"LogicalResourceId\":\""
            + LOGICAL_ID
            + "\",\"Data\":{\"ImageDigest\":\""
            + DIGEST
            + "\",\"ImageUri\":\"123456789012.dkr.ecr.us-east-1.amazonaws.com/web@"
            + DIGEST
            + "\"}}",
        cfn.requests().get(0).bodyText());
    CopyRequest r = seen.get();
    assertEquals("docker://registry-1.docker.io/library/nginx:1.27", r.source().toString());
    assertEquals(Selection.defaultPlatform(), r.selection());
    assertEquals(RetryPolicy.NONE, r.retryPolicy());
    assertNull(r.sourceCredential());
    assertEquals(
        Credential.issued("AWS", "ecr-token-0123456789", "ecr:GetAuthorizationToken in us-east-1"),
        r.destinationCredential());
    assertEquals(Duration.ofSeconds(14 * 60 + 30), r.deadline().remaining());
  }

  @Test
  void updateCopiesAndKeepsThePhysicalId() throws Exception {
    JsonNode r =
        run(
            succeeding(),
            CfnEvents.update(
                cfn.url(),
                props(
                    "CopyImageIndex", "true",
                    "ArchImageTags", "{\"arm64\":\"v1-arm64\"}",
                    "RetryConfigs", "{\"numAttempts\":3,\"baseDelay\":0.5,\"maxDelay\":4}",
                    "SrcCreds", "bob:pw-literal-1")));
    assertEquals("SUCCESS", r.path("Status").asText());
    assertEquals(PHYSICAL_ID, r.path("PhysicalResourceId").asText());
    CopyRequest c = seen.get();
    assertEquals(Selection.all(), c.selection());
    assertEquals(Map.of("arm64", "v1-arm64"), c.archTags());
    assertEquals(
        new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4)), c.retryPolicy());
    assertEquals(new Credential("bob", "pw-literal-1"), c.sourceCredential());
  }

  @Test
  void imageArchSelectsOnePlatform() throws Exception {
    run(
        succeeding(),
        CfnEvents.create(cfn.url(), props("ImageArch", "arm64", "CopyImageIndex", "false")));
    assertEquals(Selection.arch("arm64"), seen.get().selection());
  }

  @Test
  void deleteSucceedsWithoutCopyingEvenWithBadProperties() throws Exception {
    JsonNode r = run(succeeding(), CfnEvents.delete(cfn.url(), Map.of("SrcImage", "bogus")));
    assertNull(seen.get());
    assertEquals(
        "{\"Status\":\"SUCCESS\",\"PhysicalResourceId\":\""
            + PHYSICAL_ID
            + "\",\"StackId\":\""
            + STACK_ID
            + "\",\"RequestId\":\""
            + REQUEST_ID
            + "\",\"LogicalResourceId\":\""
            + LOGICAL_ID
            + "\",\"Data\":{}}",
        r.toString());
  }

  @Test
  void missingImages() throws Exception {
    assertEquals(
        "property SrcImage is missing or empty: set it to docker://REPOSITORY:TAG or"
            + " s3://BUCKET/KEY[:REF]",
        reason(props("SrcImage", null)));
    assertEquals(
        "property DestImage is missing or empty: set it to docker://REPOSITORY:TAG",
        reason(props("DestImage", " ")));
  }

  @Test
  void badImages() throws Exception {
    assertEquals(
        "invalid SrcImage: unsupported image source 'ftp://x/y': use"
            + " docker://[registry/]repository[:tag|@digest] or s3://bucket/key[:ref]",
        reason(props("SrcImage", "ftp://x/y")));
    assertEquals(
        "invalid DestImage 's3://bucket/key': the destination must be a registry image,"
            + " docker://REPOSITORY:TAG, e.g."
            + " docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
        reason(props("DestImage", "s3://bucket/key")));
    assertEquals(
        "invalid DestImage: invalid image reference 'example.com/App:1': 'App' is not a valid"
            + " repository name (lower-case letters, digits, '.', '_', '-', separated by '/'); use"
            + " [registry[:port]/]repository[:tag][@sha256:digest], e.g."
            + " 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
        reason(props("DestImage", "docker://example.com/App:1")));
  }

  @Test
  void badSelection() throws Exception {
    assertEquals(
        "invalid CopyImageIndex 'yes': use \"true\" or \"false\" (set copyImageIndex to true or"
            + " leave it unset)",
        reason(props("CopyImageIndex", "yes")));
    assertEquals(
        "ImageArch and CopyImageIndex cannot both be set: set imageArch to copy one platform, or"
            + " copyImageIndex to copy the whole index",
        reason(props("CopyImageIndex", "true", "ImageArch", "arm64")));
    assertEquals(
        "invalid ImageArch 'ARM 64': use an architecture such as amd64, arm64 or arm/v7 (the"
            + " imageArch prop takes one element)",
        reason(props("ImageArch", "ARM 64")));
  }

  @Test
  void badArchImageTags() throws Exception {
    assertEquals(
        "invalid ArchImageTags 'arm64=v1': it is not JSON; use an object like"
            + " {\"arm64\":\"v1-arm64\",\"amd64\":\"v1-amd64\"}",
        reason(props("CopyImageIndex", "true", "ArchImageTags", "arm64=v1")));
    assertEquals(
        "invalid ArchImageTags '[\"v1\"]': it is not a JSON object; use an object like"
            + " {\"arm64\":\"v1-arm64\",\"amd64\":\"v1-amd64\"}",
        reason(props("CopyImageIndex", "true", "ArchImageTags", "[\"v1\"]")));
    assertEquals(
        "invalid ArchImageTags value for 'arm64': \"bad tag\" is not a tag; use a tag such as"
            + " \"v1-arm64\" ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})",
        reason(props("CopyImageIndex", "true", "ArchImageTags", "{\"arm64\":\"bad tag\"}")));
    assertEquals(
        "invalid ArchImageTags key 'ARM': keys are architectures such as amd64, arm64 or arm/v7,"
            + " e.g. {\"arm64\":\"v1-arm64\",\"amd64\":\"v1-amd64\"}",
        reason(props("CopyImageIndex", "true", "ArchImageTags", "{\"ARM\":\"v1\"}")));
    assertEquals(
        "ArchImageTags can only be specified when CopyImageIndex is \"true\": set copyImageIndex"
            + " to true or remove archImageTags",
        reason(props("ArchImageTags", "{\"arm64\":\"v1-arm64\"}")));
  }

  @Test
  void badRetryConfigs() throws Exception {
    assertEquals(
        "invalid RetryConfigs: unknown key 'attempts'; the keys are numAttempts, baseDelay and"
            + " maxDelay, e.g. {\"numAttempts\":3,\"baseDelay\":1,\"maxDelay\":30}",
        reason(props("RetryConfigs", "{\"attempts\":3}")));
    assertEquals(
        "invalid RetryConfigs.numAttempts 0: it must be an integer of at least 1 (attempts of the"
            + " whole copy)",
        reason(props("RetryConfigs", "{\"numAttempts\":0}")));
    assertEquals(
        "invalid RetryConfigs.numAttempts 1.5: it must be an integer of at least 1 (attempts of"
            + " the whole copy)",
        reason(props("RetryConfigs", "{\"numAttempts\":1.5}")));
    assertEquals(
        "invalid RetryConfigs.numAttempts \"3\": it must be an integer of at least 1 (attempts of"
            + " the whole copy)",
        reason(props("RetryConfigs", "{\"numAttempts\":\"3\"}")));
    assertEquals(
        "invalid RetryConfigs.baseDelay 0: it must be a number of seconds above 0",
        reason(props("RetryConfigs", "{\"baseDelay\":0}")));
    assertEquals(
        "invalid RetryConfigs.maxDelay -1: it must be a number of seconds above 0",
        reason(props("RetryConfigs", "{\"maxDelay\":-1}")));
    assertEquals(
        "invalid RetryConfigs: baseDelay 10 is greater than maxDelay 5; make baseDelay at most"
            + " maxDelay (seconds)",
        reason(props("RetryConfigs", "{\"baseDelay\":10,\"maxDelay\":5}")));
    assertEquals(
        "invalid RetryConfigs '{numAttempts:3}': it is not JSON; use an object like"
            + " {\"numAttempts\":3,\"baseDelay\":1,\"maxDelay\":30}",
        reason(props("RetryConfigs", "{numAttempts:3}")));
  }

  @Test
  void unknownRequestTypeIsAnsweredFailed() throws Exception {
    JsonNode r = run(succeeding(), CfnEvents.event("Replace", cfn.url(), props(), null));
    assertEquals(
        "RequestType is missing or not Create, Update or Delete: this function only handles"
            + " CloudFormation custom-resource events (log stream: "
            + LOG_STREAM
            + ")",
        r.path("Reason").asText());
  }

  @Test
  void anEventWithoutResponseUrlCannotBeAnswered() {
    byte[] event = "{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8);
    assertThrows(
        InvalidEventException.class,
        () ->
            handler(succeeding())
                .handleRequest(
                    new ByteArrayInputStream(event),
                    new ByteArrayOutputStream(),
                    new FakeLambdaContext(Duration.ofMinutes(1))));
    assertEquals(0, cfn.requests().size());
  }

  @Test
  void eventsThatCannotBeAnsweredAreRejectedWithoutQuotingThem() {
    String[][] cases = {
      {
        "not json {\"SrcCreds\":\"u:secretvalue\"}",
        "the Lambda event is not JSON: this function only handles CloudFormation custom-resource events"
      },
      {
        "[1,2]",
        "the Lambda event is not a JSON object: this function only handles CloudFormation custom-resource events"
      },
      {
        "{\"ResponseURL\":\"ftp://x/y?sig=secretvalue\"}",
        "the event's ResponseURL is not an http(s) URL"
      }
    };
    for (String[] c : cases) {
      InvalidEventException e =
          assertThrows(
              InvalidEventException.class,
              () ->
                  handler(succeeding())
                      .handleRequest(
                          new ByteArrayInputStream(c[0].getBytes(StandardCharsets.UTF_8)),
                          new ByteArrayOutputStream(),
                          new FakeLambdaContext(Duration.ofMinutes(1))));
      assertEquals(c[1], e.getMessage());
    }
    assertEquals(0, cfn.requests().size());
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains("secretvalue"));
  }

  @Test
  void copyFailuresAndBugsAreAnsweredFailed() throws Exception {
    assertEquals(
        "pushing to 123456789012.dkr.ecr.us-east-1.amazonaws.com/web failed: HTTP 403 DENIED;"
            + " grant ecr:PutImage",
        failedReason(
            req -> {
              throw new CopyException(
                  "pushing to 123456789012.dkr.ecr.us-east-1.amazonaws.com/web failed: HTTP 403"
                      + " DENIED; grant ecr:PutImage",
                  CopyProgress.NONE,
                  null);
            }));
    assertEquals(
        REQUEST_ID,
        JSON.readTree(cfn.requests().get(0).body()).path("PhysicalResourceId").asText());
    assertEquals(
        "unexpected java.lang.IllegalStateException: boom; this is a bug in cdk-ecr-deployment,"
            + " please report it with the log",
        failedReason(
            req -> {
              throw new IllegalStateException("boom");
            }));
    assertEquals(
        "unexpected java.lang.OutOfMemoryError: Java heap space; this is a bug in"
            + " cdk-ecr-deployment, please report it with the log",
        failedReason(
            req -> {
              throw new OutOfMemoryError("Java heap space");
            }));
  }

  @Test
  void missingSecretIsAnsweredFailed() throws Exception {
    assertEquals(
        "DestCreds: secret prod/registry was not found in us-east-1; check the name or ARN, or"
            + " create the secret with user:password or {\"username\":…,\"password\":…}",
        reason(props("DestCreds", "prod/registry")));
  }

  @Test
  void longReasonsAreCutToFitAndStayValidJson() throws Exception {
    String longMessage = "start-" + "é\"x".repeat(4000) + "-end";
    JsonNode r =
        run(
            req -> {
              throw new CopyException(longMessage, CopyProgress.NONE, null);
            },
            CfnEvents.create(cfn.url(), props()));
    String reason = r.path("Reason").asText();
    assertTrue(reason.startsWith("start-é\"x"), reason);
    assertTrue(reason.contains(" [...] "));
    assertTrue(reason.endsWith("-end (log stream: " + LOG_STREAM + ")"), reason);
    int size = cfn.requests().get(0).body().length;
    assertTrue(size > 3900 && size <= 4096, "body of " + size + " bytes");
    assertEquals(REQUEST_ID, r.path("RequestId").asText());
  }

  @Test
  void responsePutIsRetriedOnServerErrors() throws Exception {
    cfn.failNext(2, 503);
    handler(succeeding())
        .handleRequest(
            new ByteArrayInputStream(CfnEvents.create(cfn.url(), props())),
            new ByteArrayOutputStream(),
            new FakeLambdaContext(Duration.ofMinutes(15)));
    List<ResponseUrlServer.Request> requests = cfn.requests();
    assertEquals(3, requests.size());
    assertEquals(requests.get(0).bodyText(), requests.get(2).bodyText());
    assertTrue(requests.get(2).bodyText().contains("\"Status\":\"SUCCESS\""));
  }

  @Test
  void responsePutIsNotRetriedWhenTheUrlIsRejected() {
    cfn.failNext(5, 403);
    Exception e =
        assertThrows(
            java.io.IOException.class,
            () ->
                handler(succeeding())
                    .handleRequest(
                        new ByteArrayInputStream(CfnEvents.create(cfn.url(), props())),
                        new ByteArrayOutputStream(),
                        new FakeLambdaContext(Duration.ofMinutes(15))));
    assertEquals(1, cfn.requests().size());
    assertEquals(
        "could not send the response to CloudFormation's ResponseURL (HTTP 403); the stack waits"
            + " until CloudFormation's timeout",
        e.getMessage());
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains("X-Amz-Signature"));
  }

  @Test
  void collaboratorsThatFailToConstructStillGetExactlyOneFailedResponse() throws Exception {
    EcrDeploymentHandler broken =
        new EcrDeploymentHandler(
            () -> {
              throw new IllegalStateException("cannot build the AWS clients (test)");
            },
            new ResponseSender(log, 3, Duration.ofMillis(10), Duration.ofSeconds(5)),
            log,
            Clock.systemUTC());
    JsonNode r =
        TestHandlers.respond(
            broken, cfn, CfnEvents.create(cfn.url(), props()), Duration.ofMinutes(15));
    assertEquals("FAILED", r.path("Status").asText());
    String reason = r.path("Reason").asText();
    assertTrue(reason.contains("cannot build the AWS clients (test)"), reason);
    assertTrue(reason.contains("(log stream: "), reason);
    // A Delete needs no collaborator: it still succeeds.
    cfn.clear();
    JsonNode d =
        TestHandlers.respond(
            broken, cfn, CfnEvents.delete(cfn.url(), props()), Duration.ofMinutes(15));
    assertEquals("SUCCESS", d.path("Status").asText());
  }

  @Test
  void aCopyPastTheDeadlineIsAnsweredFailedInTime() throws Exception {
    ImageCopier stuck =
        r -> {
          r.listener().stage("copying 4 blobs");
          r.listener()
              .blob(
                  DIGEST,
                  2_500_000,
                  io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome.COPIED,
                  1_000_000_000L);
          // Blocks until the handler gives the copy up (it interrupts it at the deadline).
          new java.util.concurrent.CountDownLatch(1).await();
          throw new AssertionError("not cancelled");
        };
    // 31.5 s left: the deadline is 1.5 s away. A handler that waited for the copy would answer
    // "not cancelled" a minute later instead of the deadline reason asserted below.
    JsonNode r = run(stuck, CfnEvents.create(cfn.url(), props()), Duration.ofMillis(31_500));
    assertEquals(
        "the copy did not finish in time: the Lambda timeout minus a 30 s safety margin ran out"
            + " while copying 4 blobs; 1 blobs (2.5 MB) copied. Raise memoryLimit (more memory"
            + " also means more network and CPU for the copy) or copy fewer platforms (imageArch"
            + " instead of copyImageIndex), then deploy again; blobs already copied are skipped"
            + " (log stream: "
            + LOG_STREAM
            + ")",
        r.path("Reason").asText());
  }

  @Test
  void aCopierThatStopsAtTheDeadlineReportsItsProgress() throws Exception {
    assertEquals(
        "the copy did not finish in time: the Lambda timeout minus a 30 s safety margin ran out"
            + " while copying 8 blobs; 3/8 blobs, 120.5/512.0 MB done. Raise memoryLimit (more"
            + " memory also means more network and CPU for the copy) or copy fewer platforms"
            + " (imageArch instead of copyImageIndex), then deploy again; blobs already copied are"
            + " skipped",
        failedReason(
            req -> {
              req.listener().stage("copying 8 blobs");
              throw new DeadlineExceededException(
                  "deadline", new CopyProgress(3, 8, 120_500_000, 512_000_000));
            }));
  }

  @Test
  void credentialsAndTheResponseUrlNeverReachLogsOrReasons() throws Exception {
    String password = "Sup3r-S3cret-Passw0rd";
    aws.secret("registry-creds", "{\"username\":\"deploy\",\"password\":\"" + password + "\"}");
    JsonNode r =
        run(
            req -> {
              // A library that echoes the credential into its error must not leak it.
              throw new CopyException(
                  "login failed for " + req.sourceCredential().password() + " at " + cfn.url(),
                  CopyProgress.NONE,
                  null);
            },
            CfnEvents.create(cfn.url(), props("SrcCreds", "registry-creds")));
    String reason = r.path("Reason").asText();
    assertFalse(reason.contains(password), reason);
    assertFalse(reason.contains("X-Amz-Signature"), reason);
    assertTrue(reason.startsWith("login failed for <redacted> at <redacted>"), reason);
    String logs = logged.toString(StandardCharsets.UTF_8);
    assertFalse(logs.contains(password), logs);
    assertFalse(logs.contains("X-Amz-Signature"), logs);
    assertFalse(logs.contains("registry-creds\",\"password"), logs);
    assertTrue(logs.contains("SrcCreds: reading secret registry-creds in us-east-1"), logs);
  }
}
