package io.github.cdkecrdeployment.handler.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * S3 object reads against a local stand-in for the S3 REST API that answers each request by a rule
 * of the test: the signed GET, the redirect to a bucket's region, error documents, the retry, the
 * deadline and the abort. (Addressing is in {@link S3AddressingTest}; the signatures themselves are
 * verified by s3proxy in the archive tests.)
 */
class S3ObjectsTest {
  private static final AwsRetry FAST =
      new AwsRetry(
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(5)),
          new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(5)));
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDS3TEST", "s3-test-secret"));
  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

  // ---- against a local S3 stand-in
  // ---------------------------------------------------------------

  /** One request the stand-in received. */
  record Request(
      String method, String path, String region, String service, String range, String contentSha) {}

  /** How the stand-in answers a request. */
  interface Rule {
    void answer(HttpExchange ex, Request r) throws IOException;
  }

  private HttpServer server;
  private ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Rule rule;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Matcher m = auth == null ? null : SCOPE.matcher(auth);
            boolean signed = m != null && m.find();
            Request r =
                new Request(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(),
                    signed ? m.group(1) : null,
                    signed ? m.group(2) : null,
                    ex.getRequestHeaders().getFirst("Range"),
                    ex.getRequestHeaders().getFirst("x-amz-content-sha256"));
            requests.add(r);
            rule.answer(ex, r);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private S3Objects s3(String region) {
    AwsSettings settings =
        AwsSettings.builder()
            .credentials(CREDENTIALS)
            .s3Endpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .build();
    return new S3Objects(AwsEndpoints.of(settings), SignedCall.standard(CREDENTIALS), FAST, region);
  }

  private static void send(HttpExchange ex, int status, Map<String, String> headers, String body)
      throws IOException {
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(
        status, ex.getRequestMethod().equals("HEAD") || b.length == 0 ? -1 : b.length);
    if (b.length > 0 && !ex.getRequestMethod().equals("HEAD")) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private static void partial(HttpExchange ex, String content) throws IOException {
    send(ex, 206, Map.of("Content-Range", "bytes 0-" + (content.length() - 1) + "/100"), content);
  }

  private static String errorDocument(String code, String extra) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
        + code
        + "</Code><Message>injected "
        + code
        + "</Message>"
        + extra
        + "<RequestId>REQ1</RequestId></Error>";
  }

  private static String read(AwsResponse r) throws IOException {
    try (r) {
      return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aGetIsSignedForS3WithAnUnsignedPayloadAndItsRange() throws Exception {
    rule = (ex, r) -> partial(ex, "abcd");
    assertEquals(
        "abcd", read(s3("us-east-1").get("bkt", "dir/a b.tar", "bytes=0-3", Deadline.none())));
    Request r = requests.get(0);
    assertEquals(
        new Request(
            "GET", "/bkt/dir/a%20b.tar", "us-east-1", "s3", "bytes=0-3", "UNSIGNED-PAYLOAD"),
        r);
  }

  @Test
  void aRedirectToTheBucketsRegionIsFollowedAndRemembered() throws Exception {
    rule =
        (ex, r) -> {
          if (!"eu-west-1".equals(r.region())) {
            // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
            // (PermanentRedirect)
            send(
                ex,
                301,
                Map.of("x-amz-bucket-region", "eu-west-1"),
                errorDocument("PermanentRedirect", "<Bucket>bkt</Bucket>"));
          } else {
            partial(ex, "abcd");
          }
        };
    S3Objects s3 = s3("us-east-1");
    assertEquals("abcd", read(s3.get("bkt", "k", "bytes=0-3", Deadline.none())));
    assertEquals(
        List.of("us-east-1", "eu-west-1"), requests.stream().map(Request::region).toList());
    assertEquals("eu-west-1", s3.regionOf("bkt"));
    // The next read goes straight to the bucket's region; other buckets stay where they were.
    assertEquals("abcd", read(s3.get("bkt", "k", "bytes=4-7", Deadline.none())));
    assertEquals(3, requests.size());
    assertEquals("eu-west-1", requests.get(2).region());
    assertEquals("us-east-1", s3.regionOf("other"));
  }

  @Test
  void aBadRequestThatNamesTheRegionInItsDocumentIsMadeAgainThere() throws Exception {
    rule =
        (ex, r) -> {
          if (!"ap-south-1".equals(r.region())) {
            send(
                ex,
                400,
                Map.of(),
                errorDocument("AuthorizationHeaderMalformed", "<Region>ap-south-1</Region>"));
          } else {
            partial(ex, "ok");
          }
        };
    assertEquals("ok", read(s3("us-east-1").get("bkt", "k", "bytes=0-1", Deadline.none())));
    assertEquals(
        List.of("us-east-1", "ap-south-1"), requests.stream().map(Request::region).toList());
  }

  @Test
  void aRedirectThatNamesNoRegionAsksTheBucket() throws Exception {
    rule =
        (ex, r) -> {
          if (r.method().equals("HEAD")) {
            send(ex, 301, Map.of("x-amz-bucket-region", "sa-east-1"), "");
          } else if (!"sa-east-1".equals(r.region())) {
            send(ex, 301, Map.of(), errorDocument("PermanentRedirect", ""));
          } else {
            partial(ex, "ok");
          }
        };
    assertEquals("ok", read(s3("us-east-1").get("bkt", "k", "bytes=0-1", Deadline.none())));
    assertEquals(
        List.of("GET /bkt/k us-east-1", "HEAD /bkt us-east-1", "GET /bkt/k sa-east-1"),
        requests.stream().map(r -> r.method() + " " + r.path() + " " + r.region()).toList());
  }

  @Test
  void onlyOneRedirectIsFollowed() {
    // Each region says the bucket is in the other one.
    rule =
        (ex, r) ->
            send(
                ex,
                301,
                Map.of(
                    "x-amz-bucket-region",
                    "us-east-1".equals(r.region()) ? "eu-west-1" : "us-east-1"),
                errorDocument("PermanentRedirect", ""));
    AwsServiceError e =
        assertThrows(
            AwsServiceError.class, () -> s3("us-east-1").get("bkt", "k", null, Deadline.none()));
    assertEquals(301, e.status());
    assertEquals("PermanentRedirect", e.code());
    assertEquals(2, requests.size());
  }

  @Test
  void aMissingKeyIsAnErrorWithItsCodeAndIsNotRetried() {
    rule =
        (ex, r) ->
            send(ex, 404, Map.of("x-amz-request-id", "HDR1"), errorDocument("NoSuchKey", ""));
    AwsServiceError e =
        assertThrows(
            AwsServiceError.class,
            () -> s3("us-east-1").get("bkt", "k", "bytes=0-0", Deadline.none()));
    assertEquals(404, e.status());
    assertEquals("NoSuchKey", e.code());
    assertEquals("injected NoSuchKey", e.serviceMessage());
    assertEquals("HDR1", e.requestId());
    assertEquals(1, requests.size());
  }

  @Test
  void slowDownAndServerErrorsAreRetriedUpToThreeAttempts() throws Exception {
    AtomicInteger n = new AtomicInteger();
    rule =
        (ex, r) -> {
          if (n.incrementAndGet() <= 2) {
            send(ex, 503, Map.of(), errorDocument("SlowDown", ""));
          } else {
            partial(ex, "ok");
          }
        };
    assertEquals("ok", read(s3("us-east-1").get("bkt", "k", "bytes=0-1", Deadline.none())));
    assertEquals(3, requests.size());

    requests.clear();
    rule = (ex, r) -> send(ex, 500, Map.of(), errorDocument("InternalError", ""));
    AwsServiceError e =
        assertThrows(
            AwsServiceError.class,
            () -> s3("us-east-1").get("bkt", "k", "bytes=0-1", Deadline.none()));
    assertEquals(500, e.status());
    assertTrue(e.isTransient());
    assertEquals(3, requests.size(), "3 attempts in all");
  }

  @Test
  void noRetryWaitsPastTheDeadline() {
    // Each request takes an hour on this clock, so no wait for another attempt fits.
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    Deadline deadline = Deadline.at(now.get().plusSeconds(60), clock);
    rule =
        (ex, r) -> {
          now.set(now.get().plus(Duration.ofHours(1)));
          send(ex, 503, Map.of(), errorDocument("SlowDown", ""));
        };
    DeadlineException e =
        assertThrows(
            DeadlineException.class, () -> s3("us-east-1").get("bkt", "k", "bytes=0-1", deadline));
    assertTrue(e.getMessage().contains("GetObject s3://bkt/k"), e.getMessage());
    assertEquals(1, requests.size());
    assertThrows(
        DeadlineException.class, () -> s3("us-east-1").get("bkt", "k", "bytes=0-1", deadline));
    assertEquals(1, requests.size(), "nothing is sent past the deadline");
  }

  @Test
  void aCompleteReadKeepsTheConnectionAnAbortDropsIt() throws Exception {
    List<Integer> ports = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    rule =
        (ex, r) -> {
          ports.add(ex.getRemoteAddress().getPort());
          if ("bytes=0-3".equals(r.range())) {
            partial(ex, "abcd");
            return;
          }
          // 2 MB announced, 5 bytes sent, then a stall: more than the JDK would drain on close.
          ex.getResponseHeaders().set("Content-Range", "bytes 0-1999999/2000000");
          ex.sendResponseHeaders(206, 2_000_000);
          OutputStream out = ex.getResponseBody();
          out.write("first".getBytes(StandardCharsets.UTF_8));
          out.flush();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    S3Objects s3 = s3("us-east-1");
    try {
      assertEquals("abcd", read(s3.get("bkt", "k", "bytes=0-3", Deadline.none())));
      assertEquals("abcd", read(s3.get("bkt", "k", "bytes=0-3", Deadline.none())));
      assertEquals(ports.get(0), ports.get(1), "a response read to its end leaves its connection");

      AwsResponse big = s3.get("bkt", "k", "bytes=0-1999999", Deadline.none());
      InputStream body = big.body();
      assertEquals("first", new String(body.readNBytes(5), StandardCharsets.UTF_8));
      big.abort();
      assertThrows(IOException.class, body::read, "nothing more is read from an aborted response");
      assertEquals("abcd", read(s3.get("bkt", "k", "bytes=0-3", Deadline.none())));
      assertEquals(4, ports.size());
      assertFalse(ports.get(3).equals(ports.get(2)), "the aborted connection is not reused");
    } finally {
      release.countDown();
    }
  }

  @Test
  void missingCredentialsAreAClientErrorThatIsNotRetried() {
    S3Objects s3 =
        new S3Objects(
            AwsEndpoints.of(
                AwsSettings.builder().s3Endpoint(URI.create("http://127.0.0.1:9")).build()),
            SignedCall.standard(
                () -> {
                  throw new IllegalStateException("Unable to load credentials from any provider");
                }),
            FAST,
            "us-east-1");
    AwsClientException e =
        assertThrows(AwsClientException.class, () -> s3.get("bkt", "k", null, Deadline.none()));
    assertEquals(
        "no AWS credentials: Unable to load credentials from any provider", e.getMessage());
    assertFalse(AwsRetry.isRetryable(e));
  }
}
