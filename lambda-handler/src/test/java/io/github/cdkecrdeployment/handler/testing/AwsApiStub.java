package io.github.cdkecrdeployment.handler.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.cdkecrdeployment.handler.AwsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Local stubs of the AWS JSON APIs the handler calls, on one HTTP server on 127.0.0.1: ECR {@code
 * GetAuthorizationToken} and {@code BatchDeleteImage}, ECR Public {@code GetAuthorizationToken} and
 * Secrets Manager {@code GetSecretValue}, dispatched on {@code X-Amz-Target} as the real services
 * do. The real SDK clients reach it through an endpoint override ({@code AWS_ENDPOINT_URL_*} or
 * {@code AwsSettings}). Requests must be SigV4-signed; each call is recorded with the region and
 * service of its signature. Register with {@code @RegisterExtension}.
 */
public final class AwsApiStub implements BeforeEachCallback, AfterEachCallback {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

  /**
   * One call.
   *
   * @param target the X-Amz-Target header
   * @param region the region of the signature
   * @param service the service signing name
   * @param body the JSON request body
   */
  public record Call(String target, String region, String service, JsonNode body) {}

  /**
   * An injected error.
   *
   * @param status HTTP status
   * @param type the {@code __type} error code
   */
  public record Error(int status, String type) {}

  private final Map<String, String> secretStrings = new ConcurrentHashMap<>();
  private final Map<String, byte[]> secretBinaries = new ConcurrentHashMap<>();
  private final Map<String, Error> errors = new ConcurrentHashMap<>();
  private final Map<String, String> deleteFailures = new ConcurrentHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private volatile String ecrToken = "AWS:ecr-token-0123456789";
  private volatile String ecrPublicToken = "AWS:ecr-public-token-0123456789";
  private LoopbackHttpServer server;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop();
  }

  /** Starts on an ephemeral port. */
  public void start() throws IOException {
    server = LoopbackHttpServer.start(4, this::handle);
  }

  /** Stops it. */
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * AWS settings in us-east-1 with static test credentials whose ECR, ECR Public and Secrets
   * Manager clients talk to this stub; add other endpoints before {@code build()}.
   */
  public AwsSettings.Builder settings() {
    return AwsSettings.builder()
        .region(Region.US_EAST_1)
        .credentials(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .ecrEndpoint(endpoint())
        .ecrPublicEndpoint(endpoint())
        .secretsManagerEndpoint(endpoint());
  }

  /** Stores a secret string under a name and/or ARN (register each id it is read by). */
  public AwsApiStub secret(String id, String value) {
    secretStrings.put(id, value);
    return this;
  }

  /** Stores a binary-only secret. */
  public AwsApiStub binarySecret(String id, byte[] value) {
    secretBinaries.put(id, value);
    return this;
  }

  /** The {@code user:password} pair ECR tokens decode to. */
  public AwsApiStub ecrToken(String userColonPassword) {
    this.ecrToken = userColonPassword;
    return this;
  }

  /** The {@code user:password} pair ECR Public tokens decode to. */
  public AwsApiStub ecrPublicToken(String userColonPassword) {
    this.ecrPublicToken = userColonPassword;
    return this;
  }

  /** Makes every call to {@code target} (e.g. {@code secretsmanager.GetSecretValue}) fail. */
  public AwsApiStub fail(String target, int status, String type) {
    errors.put(target, new Error(status, type));
    return this;
  }

  /**
   * Makes {@code BatchDeleteImage} report {@code tag} as a failure with {@code code} (e.g. {@code
   * ImageTagDoesNotMatchDigest}) instead of deleting it; other tags are reported deleted.
   */
  public AwsApiStub ecrDeleteFailure(String tag, String code) {
    deleteFailures.put(tag, code);
    return this;
  }

  /**
   * The calls to one target, e.g. {@code AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage}.
   */
  public List<Call> calls(String target) {
    return calls().stream().filter(c -> target.equals(c.target())).toList();
  }

  /** Every call so far. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] raw;
      try (InputStream in = ex.getRequestBody()) {
        raw = in.readAllBytes();
      }
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Matcher m = auth == null ? null : SCOPE.matcher(auth);
      if (m == null || !m.find() || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
        send(ex, 403, error("MissingAuthenticationTokenException", "request is not signed"));
        return;
      }
      JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
      synchronized (calls) {
        calls.add(new Call(target, m.group(1), m.group(2), body));
      }
      Error err = target == null ? null : errors.get(target);
      if (err != null) {
        send(ex, err.status(), error(err.type(), "injected " + err.type()));
        return;
      }
      if ("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken".equals(target)) {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode d = r.putArray("authorizationData").addObject();
        d.put("authorizationToken", b64(ecrToken));
        d.put("expiresAt", System.currentTimeMillis() / 1000.0 + 43200);
        d.put("proxyEndpoint", "https://123456789012.dkr.ecr." + m.group(1) + ".amazonaws.com");
        send(ex, 200, r);
      } else if ("AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage".equals(target)) {
        // As ECR answers: each requested id either in imageIds (removed) or in failures.
        ObjectNode r = JSON.createObjectNode();
        var deleted = r.putArray("imageIds");
        var failures = r.putArray("failures");
        for (JsonNode id : body.path("imageIds")) {
          String tag = id.path("imageTag").asText();
          String code = deleteFailures.get(tag);
          if (code == null) {
            deleted.addObject().put("imageTag", tag).put("imageDigest", "sha256:" + "0".repeat(64));
          } else {
            ObjectNode f = failures.addObject();
            f.putObject("imageId").put("imageTag", tag);
            f.put("failureCode", code);
            f.put("failureReason", "injected " + code);
          }
        }
        send(ex, 200, r);
      } else if ("SpencerFrontendService.GetAuthorizationToken".equals(target)) {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode d = r.putObject("authorizationData");
        d.put("authorizationToken", b64(ecrPublicToken));
        d.put("expiresAt", System.currentTimeMillis() / 1000.0 + 43200);
        send(ex, 200, r);
      } else if ("secretsmanager.GetSecretValue".equals(target)) {
        String id = body.path("SecretId").asText();
        ObjectNode r = JSON.createObjectNode();
        r.put(
            "ARN",
            id.startsWith("arn:")
                ? id
                : "arn:aws:secretsmanager:" + m.group(1) + ":123456789012:secret:" + id);
        r.put("Name", id);
        r.put("VersionId", "v1");
        if (secretStrings.containsKey(id)) {
          r.put("SecretString", secretStrings.get(id));
        } else if (secretBinaries.containsKey(id)) {
          r.put("SecretBinary", Base64.getEncoder().encodeToString(secretBinaries.get(id)));
        } else {
          send(
              ex,
              400,
              error(
                  "ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
          return;
        }
        send(ex, 200, r);
      } else {
        send(ex, 400, error("UnknownOperationException", "unknown target " + target));
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    return e;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
