package io.github.cdkecrdeployment.handler.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Local stand-in for the AWS JSON APIs the handler calls, on one plain-HTTP server on 127.0.0.1:
 * ECR {@code GetAuthorizationToken} and {@code BatchDeleteImage}, ECR Public {@code
 * GetAuthorizationToken} and Secrets Manager {@code GetSecretValue}. The handler's AWS calls reach
 * it through an endpoint override ({@code AWS_ENDPOINT_URL_*}, the {@code aws.endpointUrl*} system
 * properties, or {@link #settings()}).
 *
 * <h2>Wire protocol</h2>
 *
 * All three services speak the AWS JSON 1.1 protocol (<a
 * href="https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html">awsJson1_1</a>): {@code
 * POST /}, the operation in {@code X-Amz-Target}, a JSON body; an error is a 4xx/5xx with {@code
 * {"__type": "<ErrorCode>", "message": "…"}}, from which a client reads the error code (the
 * handler's {@code aws.AwsJsonCall}, or an SDK client's modelled exception). Requests must carry a
 * SigV4 {@code Authorization} header (else {@code MissingAuthenticationTokenException}, as the real
 * endpoints answer unsigned requests); each request is recorded as a {@link Call} with the region
 * and service of its signature's credential scope, so tests see where a call was sent.
 *
 * <h2>Operations</h2>
 *
 * One handler method per operation, registered by target in {@link #operations}: to stub another
 * call, add a method that takes a {@link Call} and returns a {@link Reply}, and register it there.
 * {@link #fail} makes any target answer an error instead (a permission the role lacks, a throttled
 * service), {@link #failNext} only the next few calls (throttling that clears).
 *
 * <h2>Secrets Manager model</h2>
 *
 * Secrets live in a region and an account. A secret is stored with {@link #secret}, {@link
 * #binarySecret} or {@link #secretWithoutValue} under its name (in {@value #REGION}, account
 * {@value #ACCOUNT}) or under a complete ARN (its region, account and name come from the ARN). Like
 * the service, the stub gives each secret an ARN ending in a hyphen and six random characters
 * ({@link #secretArn}). {@code GetSecretValue} finds a secret the documented ways: by name, by
 * complete ARN, or by partial ARN (the ARN without the six characters), and only among the secrets
 * of the region the request is signed for (each regional endpoint holds its own region's secrets).
 * Per-secret states give the documented errors: {@link #scheduleSecretDeletion} ({@code
 * InvalidRequestException}), {@link #denySecretAccess} and {@link #denyKmsDecrypt} ({@code
 * AccessDeniedException}), {@link #disableSecretKey} ({@code DecryptionFailure}).
 *
 * <p>Register with {@code @RegisterExtension} (started before and stopped after each test), or call
 * {@link #start()} and {@link #stop()}.
 */
public final class AwsApiStub implements BeforeEachCallback, AfterEachCallback {
  /** The account of the stub's ECR registry and of secrets stored by name. */
  public static final String ACCOUNT = "123456789012";

  /** The region of secrets stored by name. */
  public static final String REGION = "us-east-1";

  /** {@code X-Amz-Target} of ECR {@code GetAuthorizationToken}. */
  public static final String ECR_GET_AUTHORIZATION_TOKEN =
      "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";

  /** {@code X-Amz-Target} of ECR {@code BatchDeleteImage}. */
  public static final String ECR_BATCH_DELETE_IMAGE =
      "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage";

  /** {@code X-Amz-Target} of ECR Public {@code GetAuthorizationToken}. */
  public static final String ECR_PUBLIC_GET_AUTHORIZATION_TOKEN =
      "SpencerFrontendService.GetAuthorizationToken";

  /** {@code X-Amz-Target} of Secrets Manager {@code GetSecretValue}. */
  public static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

  /**
   * A secret ARN: partition, region, account, and the name with its suffix. See <a
   * href="https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources">Secrets
   * Manager resource ARNs</a>: {@code arn:${Partition}:secretsmanager:${Region}:${Account}:
   * secret:${SecretId}}.
   */
  private static final Pattern SECRET_ARN =
      Pattern.compile("arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\\d{12}):secret:(.+)");

  /** The six random characters Secrets Manager appends, after a hyphen, to a secret's ARN. */
  private static final Pattern ARN_SUFFIX = Pattern.compile("-[A-Za-z0-9]{6}$");

  private static final String SUFFIX_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /**
   * One request.
   *
   * @param target the X-Amz-Target header
   * @param region the region of the signature's credential scope
   * @param service the signing name of the signature's credential scope
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

  /**
   * An operation's answer.
   *
   * @param status HTTP status
   * @param body the JSON body
   */
  public record Reply(int status, JsonNode body) {
    static Reply ok(JsonNode body) {
      return new Reply(200, body);
    }

    /** An awsJson1_1 error: {@code {"__type": type, "message": message}}. */
    static Reply error(int status, String type, String message) {
      ObjectNode e = JSON.createObjectNode();
      e.put("__type", type);
      e.put("message", message);
      return new Reply(status, e);
    }
  }

  /** One stored secret; mutable state behind the stub's lock-free maps, set up before calls. */
  private static final class Secret {
    final String arn;
    final String name;
    final String region;
    final String value;
    final byte[] binary;
    volatile boolean scheduledForDeletion;
    volatile boolean accessDenied;
    volatile boolean kmsDenied;
    volatile boolean keyDisabled;

    Secret(String arn, String name, String region, String value, byte[] binary) {
      this.arn = arn;
      this.name = name;
      this.region = region;
      this.value = value;
      this.binary = binary;
    }

    /** The ARN without its random suffix, as a partial ARN names it. */
    String partialArn() {
      return arn.substring(0, arn.length() - 7);
    }
  }

  private interface Operation {
    Reply handle(Call call);
  }

  /** One handler per operation, by {@code X-Amz-Target}. */
  private final Map<String, Operation> operations =
      Map.of(
          ECR_GET_AUTHORIZATION_TOKEN, this::ecrGetAuthorizationToken,
          ECR_BATCH_DELETE_IMAGE, this::ecrBatchDeleteImage,
          ECR_PUBLIC_GET_AUTHORIZATION_TOKEN, this::ecrPublicGetAuthorizationToken,
          GET_SECRET_VALUE, this::getSecretValue);

  private final List<Secret> secrets = new CopyOnWriteArrayList<>();
  private final Map<String, String> deleteFailures = new ConcurrentHashMap<>();
  private final Map<String, Error> errors = new ConcurrentHashMap<>();
  private final Map<String, Error> nextErrors = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> nextErrorCounts =
      new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final SecureRandom random = new SecureRandom();
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
   * AWS settings in {@value #REGION} with static test credentials whose ECR, ECR Public and Secrets
   * Manager clients talk to this stub; add other endpoints before {@code build()}.
   */
  public AwsSettings.Builder settings() {
    return AwsSettings.builder()
        .region(Region.of(REGION))
        .credentials(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .ecrEndpoint(endpoint())
        .ecrPublicEndpoint(endpoint())
        .secretsManagerEndpoint(endpoint());
  }

  // ---- set-up ----------------------------------------------------------------------------------

  /**
   * Stores a secret whose {@code SecretString} is {@code value}.
   *
   * @param nameOrArn a name (stored in {@value #REGION}, account {@value #ACCOUNT}, with a new
   *     random ARN suffix) or a complete secret ARN (its suffix included)
   */
  public AwsApiStub secret(String nameOrArn, String value) {
    secrets.add(newSecret(nameOrArn, value, null));
    return this;
  }

  /** Stores a secret that has only a {@code SecretBinary}; see {@link #secret}. */
  public AwsApiStub binarySecret(String nameOrArn, byte[] value) {
    secrets.add(newSecret(nameOrArn, null, value.clone()));
    return this;
  }

  /**
   * Stores a secret created without a value, so it has no {@code AWSCURRENT} version; see {@link
   * #secret}.
   */
  public AwsApiStub secretWithoutValue(String nameOrArn) {
    secrets.add(newSecret(nameOrArn, null, null));
    return this;
  }

  /** The complete ARN of a stored secret, by name or ARN. */
  public String secretArn(String nameOrArn) {
    return stored(nameOrArn).arn;
  }

  /**
   * Marks a stored secret as scheduled for deletion ({@code DeleteSecret} with a recovery window).
   */
  public AwsApiStub scheduleSecretDeletion(String nameOrArn) {
    stored(nameOrArn).scheduledForDeletion = true;
    return this;
  }

  /** Lets no policy allow {@code secretsmanager:GetSecretValue} on a stored secret. */
  public AwsApiStub denySecretAccess(String nameOrArn) {
    stored(nameOrArn).accessDenied = true;
    return this;
  }

  /**
   * Encrypts a stored secret with a customer-managed KMS key that the caller may not use ({@code
   * kms:Decrypt} not granted).
   */
  public AwsApiStub denyKmsDecrypt(String nameOrArn) {
    stored(nameOrArn).kmsDenied = true;
    return this;
  }

  /** Encrypts a stored secret with a KMS key that is disabled, so it cannot be decrypted. */
  public AwsApiStub disableSecretKey(String nameOrArn) {
    stored(nameOrArn).keyDisabled = true;
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

  /**
   * Makes every call to {@code target} (e.g. {@link #GET_SECRET_VALUE}) answer an error.
   *
   * @param status the HTTP status, e.g. 400 for {@code AccessDeniedException}
   * @param type the {@code __type} error code
   */
  public AwsApiStub fail(String target, int status, String type) {
    errors.put(target, new Error(status, type));
    return this;
  }

  /**
   * Makes the next {@code times} calls to {@code target} answer an error (a throttled or briefly
   * failing service), the calls after them as usual.
   *
   * @param status the HTTP status, e.g. 400 for {@code ThrottlingException}, 503
   * @param type the {@code __type} error code
   */
  public AwsApiStub failNext(String target, int times, int status, String type) {
    nextErrors.put(target, new Error(status, type));
    nextErrorCounts.put(target, new java.util.concurrent.atomic.AtomicInteger(times));
    return this;
  }

  /** Every call so far, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls to one target, e.g. {@link #ECR_BATCH_DELETE_IMAGE}. */
  public List<Call> calls(String target) {
    return calls().stream().filter(c -> target.equals(c.target())).toList();
  }

  /**
   * Makes {@code BatchDeleteImage} report {@code tag} as a failure with {@code code} (e.g. {@code
   * ImageTagDoesNotMatchDigest}) instead of deleting it; other tags are reported deleted.
   */
  public AwsApiStub ecrDeleteFailure(String tag, String code) {
    deleteFailures.put(tag, code);
    return this;
  }

  // ---- operations ------------------------------------------------------------------------------

  /**
   * ECR {@code GetAuthorizationToken}: one {@code authorizationData} entry with the base64 {@code
   * user:password} token, its expiry (12 hours, epoch seconds) and the registry's proxy endpoint.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
   */
  private Reply ecrGetAuthorizationToken(Call call) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode d = r.putArray("authorizationData").addObject();
    d.put("authorizationToken", b64(ecrToken));
    d.put("expiresAt", System.currentTimeMillis() / 1000.0 + 43200);
    d.put("proxyEndpoint", "https://" + ACCOUNT + ".dkr.ecr." + call.region() + ".amazonaws.com");
    return Reply.ok(r);
  }

  /**
   * ECR {@code BatchDeleteImage}: each requested image id comes back either in {@code imageIds}
   * (removed) or in {@code failures} with a {@code failureCode}, as the service answers.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
   */
  private Reply ecrBatchDeleteImage(Call call) {
    ObjectNode r = JSON.createObjectNode();
    var deleted = r.putArray("imageIds");
    var failures = r.putArray("failures");
    for (JsonNode id : call.body().path("imageIds")) {
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
    return Reply.ok(r);
  }

  /**
   * ECR Public {@code GetAuthorizationToken}: a single {@code authorizationData} object (not a
   * list) with the token and its expiry. The API is served from us-east-1 only, so the handler
   * signs for that region wherever it runs.
   * https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_GetAuthorizationToken.html
   */
  private Reply ecrPublicGetAuthorizationToken(Call call) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode d = r.putObject("authorizationData");
    d.put("authorizationToken", b64(ecrPublicToken));
    d.put("expiresAt", System.currentTimeMillis() / 1000.0 + 43200);
    return Reply.ok(r);
  }

  /**
   * Secrets Manager {@code GetSecretValue}, the {@code AWSCURRENT} version of the secret named by
   * {@code SecretId} (name, complete ARN or partial ARN): {@code ARN}, {@code Name}, {@code
   * VersionId}, {@code VersionStages} and {@code SecretString} or {@code SecretBinary} (base64 in
   * JSON), with {@code CreatedDate}. Errors as the page lists them:
   *
   * <ul>
   *   <li>{@code ResourceNotFoundException}: no such secret in the region, or no {@code AWSCURRENT}
   *       version;
   *   <li>{@code InvalidRequestException}: the secret is scheduled for deletion;
   *   <li>{@code DecryptionFailure}: its KMS key cannot decrypt it (the key is disabled);
   *   <li>{@code AccessDeniedException} (a common error, <a
   *       href="https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html">CommonErrors</a>):
   *       no policy allows {@code secretsmanager:GetSecretValue}, or the caller may not use the
   *       customer-managed key the secret is encrypted with (the page's "Required permissions":
   *       {@code kms:Decrypt}), reported as an {@code AccessDeniedException} about KMS.
   * </ul>
   *
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
   */
  private Reply getSecretValue(Call call) {
    String id = call.body().path("SecretId").asText("");
    if (id.isEmpty()) {
      return Reply.error(
          400, "InvalidParameterException", "1 validation error detected: SecretId is required");
    }
    Secret s = find(id, call.region());
    if (s == null) {
      return Reply.error(
          400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    if (s.accessDenied) {
      return Reply.error(
          400,
          "AccessDeniedException",
          "User: arn:aws:sts::"
              + ACCOUNT
              + ":assumed-role/handler-role/handler is not authorized to perform:"
              + " secretsmanager:GetSecretValue on resource: "
              + id
              + " because no identity-based policy allows the secretsmanager:GetSecretValue"
              + " action");
    }
    if (s.scheduledForDeletion) {
      return Reply.error(
          400,
          "InvalidRequestException",
          "You can't perform this operation on the secret because it was marked for deletion.");
    }
    if (s.kmsDenied) {
      return Reply.error(400, "AccessDeniedException", "Access to KMS is not allowed");
    }
    if (s.keyDisabled) {
      return Reply.error(
          400,
          "DecryptionFailure",
          "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    if (s.value == null && s.binary == null) {
      return Reply.error(
          400,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("ARN", s.arn);
    r.put("Name", s.name);
    r.put("VersionId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
    r.putArray("VersionStages").add("AWSCURRENT");
    r.put("CreatedDate", 1.7e9);
    if (s.value != null) {
      r.put("SecretString", s.value);
    } else {
      r.put("SecretBinary", Base64.getEncoder().encodeToString(s.binary));
    }
    return Reply.ok(r);
  }

  /**
   * A secret of {@code region} by name, complete ARN or partial ARN: {@code SecretId} is "the ARN
   * or name of the secret" (API_GetSecretValue above), and a partial ARN is the ARN without the
   * hyphen and six characters (<a
   * href="https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen">finding
   * a secret from a partial ARN</a>).
   */
  private Secret find(String id, String region) {
    for (Secret s : secrets) {
      if (!s.region.equals(region)) {
        continue;
      }
      if (id.startsWith("arn:")
          ? id.equals(s.arn) || id.equals(s.partialArn())
          : id.equals(s.name)) {
        return s;
      }
    }
    return null;
  }

  private Secret newSecret(String nameOrArn, String value, byte[] binary) {
    if (nameOrArn.startsWith("arn:")) {
      Matcher m = SECRET_ARN.matcher(nameOrArn);
      Matcher suffix = ARN_SUFFIX.matcher(nameOrArn);
      if (!m.matches() || !suffix.find()) {
        throw new IllegalArgumentException(
            "store a secret under its complete ARN, with the hyphen and six characters the service"
                + " appends: "
                + nameOrArn);
      }
      String nameWithSuffix = m.group(4);
      return new Secret(
          nameOrArn,
          nameWithSuffix.substring(0, nameWithSuffix.length() - 7),
          m.group(2),
          value,
          binary);
    }
    StringBuilder suffix = new StringBuilder("-");
    for (int i = 0; i < 6; i++) {
      suffix.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
    }
    String arn =
        "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + nameOrArn + suffix;
    return new Secret(arn, nameOrArn, REGION, value, binary);
  }

  private Secret stored(String nameOrArn) {
    for (Secret s : secrets) {
      if (nameOrArn.equals(s.name) || nameOrArn.equals(s.arn)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no secret stored as " + nameOrArn);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

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
        send(
            ex,
            Reply.error(
                403, "MissingAuthenticationTokenException", "Missing Authentication Token"));
        return;
      }
      JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
      Call call = new Call(target, m.group(1), m.group(2), body);
      calls.add(call);
      Error err = target == null ? null : errors.get(target);
      if (err == null && target != null && nextErrorCounts.containsKey(target)) {
        err = nextErrorCounts.get(target).getAndDecrement() > 0 ? nextErrors.get(target) : null;
      }
      Operation op = target == null ? null : operations.get(target);
      if (err != null) {
        send(ex, Reply.error(err.status(), err.type(), "injected " + err.type()));
      } else if (op == null) {
        send(ex, Reply.error(400, "UnknownOperationException", "unknown target " + target));
      } else {
        send(ex, op.handle(call));
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    byte[] b = JSON.writeValueAsBytes(reply.body());
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
    ex.sendResponseHeaders(reply.status(), b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
