package io.github.cdkecrdeployment.handler.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Turns {@code SrcCreds}/{@code DestCreds} and the image's registry into a {@link Credential}
 * (DESIGN §6). First match wins: explicit creds ({@code user:pass}, or a Secrets Manager secret
 * name or ARN holding {@code user:pass} or {@code {"username":…,"password":…}}); a private ECR host
 * gets a token from {@code ecr:GetAuthorizationToken} in its region; {@code public.ecr.aws} gets
 * one from ECR Public in us-east-1; anything else is anonymous (null).
 *
 * <p>AWS clients are built once per region and reused across invocations; registry tokens are
 * cached per registry within one {@link Session}. Every resolved password is registered with the
 * {@link Log} for redaction.
 */
public class CredentialResolver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SECRET_ARN =
      Pattern.compile("arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\\d{12}):secret:(.+)");

  private final AwsSettings settings;
  private final Log log;
  private final Map<String, SecretsManagerClient> secretsClients = new ConcurrentHashMap<>();
  private final Map<String, EcrClient> ecrClients = new ConcurrentHashMap<>();
  private volatile EcrPublicTokens ecrPublic;

  /**
   * Creates one.
   *
   * @param settings how AWS clients are built
   * @param log for stage lines and redaction
   */
  public CredentialResolver(AwsSettings settings, Log log) {
    this.settings = settings;
    this.log = log;
  }

  /** A resolution scope with its own token cache (one per Lambda invocation). */
  public Session session() {
    return new Session();
  }

  /** Resolutions sharing one token cache. Thread-safe. */
  public final class Session {
    private final Map<String, Credential> tokens = new ConcurrentHashMap<>();
    private final Map<String, Credential> secrets = new ConcurrentHashMap<>();

    private Session() {}

    /**
     * Resolves the credential for one side of a copy.
     *
     * @param property {@code SrcCreds} or {@code DestCreds}, named in error messages
     * @param spec the property's value, or null when unset
     * @param image the image on that side
     * @return the credential, or null for anonymous access
     */
    public Credential resolve(String property, String spec, ImageReference image)
        throws CredentialException {
      if (spec != null && !spec.isBlank()) {
        // The same secret for both sides is read once.
        Credential c = secrets.get(spec.trim());
        if (c == null) {
          c = explicit(property, spec.trim());
          secrets.put(spec.trim(), c);
        }
        redact(c);
        return c;
      }
      String registry = image.registry();
      EcrHost ecr = EcrHost.parse(registry);
      if (ecr != null) {
        Credential c = tokens.get(registry);
        if (c == null) {
          c = ecrToken(ecr, registry);
          tokens.put(registry, c);
        }
        return c;
      }
      if (EcrHost.isEcrPublic(registry)) {
        Credential c = tokens.get(registry);
        if (c == null) {
          c = ecrPublicToken();
          tokens.put(registry, c);
        }
        return c;
      }
      log.debug(property + ": anonymous access to " + registry);
      return null;
    }
  }

  private Credential explicit(String property, String spec) throws CredentialException {
    if (spec.startsWith("arn:")) {
      Matcher m = SECRET_ARN.matcher(spec);
      if (!m.matches()) {
        throw new CredentialException(
            property
                + " '"
                + spec
                + "' is not a Secrets Manager secret ARN"
                + " (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME); use a secret ARN, a secret"
                + " name, or user:password");
      }
      return fromSecret(property, spec, m.group(2));
    }
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      // A literal "user:password"; never quoted in messages.
      String user = spec.substring(0, colon);
      String password = spec.substring(colon + 1);
      if (user.isEmpty() || password.isEmpty()) {
        throw new CredentialException(
            property
                + " has an empty "
                + (user.isEmpty() ? "user name" : "password")
                + ": use user:password, a Secrets Manager secret name, or a secret ARN");
      }
      log.debug(property + ": literal credential for user " + user);
      return new Credential(user, password);
    }
    return fromSecret(property, spec, null);
  }

  private Credential fromSecret(String property, String secretId, String arnRegion)
      throws CredentialException {
    String region = arnRegion != null ? arnRegion : settings.region().id();
    String reading = property + ": reading secret " + secretId + " in " + region;
    log.info(reading);
    GetSecretValueResponse response;
    try {
      response =
          secretsClients
              .computeIfAbsent(region, this::secretsClient)
              .getSecretValue(r -> r.secretId(secretId));
    } catch (ResourceNotFoundException e) {
      if (serviceMessage(e).contains("AWSCURRENT")) {
        // The secret exists but was created without a value: it has no AWSCURRENT version.
        throw new CredentialException(
            property
                + ": secret "
                + secretId
                + " has no current value (no AWSCURRENT version); store user:password or"
                + " {\"username\":…,\"password\":…} in it (aws secretsmanager put-secret-value)",
            e);
      }
      throw new CredentialException(
          property
              + ": secret "
              + secretId
              + " was not found in "
              + region
              + "; check the name or ARN, or create the secret with user:password or"
              + " {\"username\":…,\"password\":…}",
          e);
    } catch (DecryptionFailureException e) {
      // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
      throw new CredentialException(
          property
              + ": secret "
              + secretId
              + " cannot be decrypted with its KMS key (DecryptionFailure); check that the key is"
              + " enabled and that the handler's role may use it (kms:Decrypt)",
          e);
    } catch (InvalidRequestException e) {
      // GetSecretValue's InvalidRequestException: the secret is scheduled for deletion (the one
      // case of that error for this call; the service's message says which).
      throw new CredentialException(
          reading
              + failedWith(e)
              + serviceMessage(e)
              + "; a secret scheduled for deletion cannot be read: restore it (aws secretsmanager"
              + " restore-secret --secret-id "
              + secretId
              + ") or use another secret",
          e);
    } catch (AwsServiceException e) {
      String code = errorCode(e);
      boolean denied = e.statusCode() == 403 || (code != null && code.contains("AccessDenied"));
      // A secret encrypted with a customer-managed key also needs kms:Decrypt on that key; the
      // service then says AccessDeniedException with a message about KMS.
      boolean kms = denied && serviceMessage(e).contains("KMS");
      throw new CredentialException(
          reading
              + failedWith(e)
              + (kms ? serviceMessage(e) : "")
              + (kms
                  ? "; grant the handler's role kms:Decrypt on the secret's KMS key (use"
                      + " addToPrincipalPolicy)"
                  : denied
                      ? "; grant the handler's role secretsmanager:GetSecretValue on it (use"
                          + " addToPrincipalPolicy)"
                      : "; check the secret and retry"),
          e);
    } catch (SdkException e) {
      throw new CredentialException(reading + " failed: " + e.getMessage(), e);
    }
    String value = response.secretString();
    if (value == null) {
      throw new CredentialException(
          property
              + ": secret "
              + secretId
              + (response.secretBinary() != null
                  ? " holds binary data only; store user:password or"
                      + " {\"username\":…,\"password\":…} as its secret string"
                  : " has no secret string; store user:password or"
                      + " {\"username\":…,\"password\":…} in it"));
    }
    Credential c = parseSecret(property, secretId, value);
    redact(c);
    return c;
  }

  /** Parses a secret's string; messages never quote the value. */
  static Credential parseSecret(String property, String secretId, String value)
      throws CredentialException {
    String v = value.trim();
    String shape =
        "; store user:password or {\"username\":…,\"password\":…} (the ECS private registry"
            + " format) in it";
    if (v.isEmpty()) {
      throw new CredentialException(property + ": secret " + secretId + " is empty" + shape);
    }
    if (v.startsWith("{")) {
      JsonNode n;
      try {
        n = JSON.readTree(v);
      } catch (IOException e) {
        throw new CredentialException(
            property + ": secret " + secretId + " starts with '{' but is not valid JSON" + shape);
      }
      JsonNode user = n.get("username");
      JsonNode password = n.get("password");
      if (user == null
          || password == null
          || !user.isTextual()
          || !password.isTextual()
          || user.asText().isEmpty()
          || password.asText().isEmpty()) {
        StringBuilder keys = new StringBuilder();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          keys.append(keys.length() == 0 ? "" : ", ").append(it.next());
        }
        throw new CredentialException(
            property
                + ": secret "
                + secretId
                + " is JSON without non-empty string fields \"username\" and \"password\" (its"
                + " keys: "
                + (keys.length() == 0 ? "none" : keys)
                + ")"
                + shape);
      }
      return new Credential(user.asText(), password.asText());
    }
    int colon = v.indexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new CredentialException(
          property + ": secret " + secretId + " is not of the form user:password" + shape);
    }
    return new Credential(v.substring(0, colon), v.substring(colon + 1));
  }

  private Credential ecrToken(EcrHost host, String registry) throws CredentialException {
    log.info("getting an ECR token for " + registry + " in " + host.region());
    GetAuthorizationTokenResponse response;
    try {
      response =
          ecrClients
              .computeIfAbsent(host.region() + (host.fips() ? "/fips" : ""), k -> ecrClient(host))
              .getAuthorizationToken(r -> {});
    } catch (AwsServiceException e) {
      String code = errorCode(e);
      boolean denied = e.statusCode() == 403 || (code != null && code.contains("AccessDenied"));
      throw new CredentialException(
          "cannot get an ECR token for "
              + registry
              + ": GetAuthorizationToken in "
              + host.region()
              + failedWith(e)
              + (denied
                  ? "; the handler's role needs ecr:GetAuthorizationToken"
                  : serviceMessage(e) + "; check that ECR is available in " + host.region()),
          e);
    } catch (SdkException e) {
      throw new CredentialException(
          "cannot get an ECR token for "
              + registry
              + " from the ECR API in "
              + host.region()
              + ": "
              + e.getMessage(),
          e);
    }
    AuthorizationData data =
        response.authorizationData().isEmpty() ? null : response.authorizationData().get(0);
    if (data == null || data.authorizationToken() == null) {
      throw new CredentialException(
          "ECR GetAuthorizationToken in " + host.region() + " returned no authorization token");
    }
    Credential c =
        splitPair(
            decodeBasicToken(data.authorizationToken(), "ECR"),
            "ECR",
            "ecr:GetAuthorizationToken in " + host.region());
    redact(c);
    // The token as ECR returns it, also when it differs in padding or whitespace.
    log.redact(data.authorizationToken());
    return c;
  }

  private Credential ecrPublicToken() throws CredentialException {
    log.info("getting an ECR Public token in " + EcrPublicTokens.REGION);
    EcrPublicTokens client = ecrPublic;
    if (client == null) {
      synchronized (this) {
        if (ecrPublic == null) {
          ecrPublic = new EcrPublicTokens(settings.ecrPublicEndpoint(), settings.credentials());
        }
        client = ecrPublic;
      }
    }
    Credential c =
        splitPair(
            client.getAuthorizationToken(),
            "ECR Public",
            "ecr-public:GetAuthorizationToken in " + EcrPublicTokens.REGION);
    redact(c);
    return c;
  }

  /**
   * Registers a credential with the log: its password, and the {@code Basic} Authorization value it
   * travels as, so neither form can reach a log line or a reason.
   */
  private void redact(Credential c) {
    log.redact(c.password());
    log.redact(
        Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
  }

  /** Decodes a base64 {@code user:password} authorization token. */
  static String decodeBasicToken(String token, String service) throws CredentialException {
    try {
      return new String(Base64.getDecoder().decode(token.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new CredentialException(
          service + " returned an authorization token that is not base64");
    }
  }

  private static Credential splitPair(String pair, String service, String issuer)
      throws CredentialException {
    int colon = pair.indexOf(':');
    if (colon <= 0 || colon == pair.length() - 1) {
      throw new CredentialException(
          service + " returned an authorization token that is not of the form user:password");
    }
    return Credential.issued(pair.substring(0, colon), pair.substring(colon + 1), issuer);
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
  }

  /**
   * " (Access to KMS is not allowed)": the service's own message, which names no secret value, or
   * "".
   */
  private static String serviceMessage(AwsServiceException e) {
    String m = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : null;
    return m == null || m.isBlank() ? "" : " (" + m.trim() + ")";
  }

  /** " failed with HTTP 403 AccessDeniedException": the status and the AWS error code. */
  private static String failedWith(AwsServiceException e) {
    String code = errorCode(e);
    return " failed with HTTP " + e.statusCode() + (code != null ? " " + code : "");
  }

  private SecretsManagerClient secretsClient(String region) {
    var b =
        SecretsManagerClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(settings.credentials())
            .region(Region.of(region));
    if (settings.secretsManagerEndpoint() != null) {
      b.endpointOverride(settings.secretsManagerEndpoint());
    }
    return b.build();
  }

  private EcrClient ecrClient(EcrHost host) {
    var b =
        EcrClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(settings.credentials())
            .region(Region.of(host.region()));
    if (settings.ecrEndpoint() != null) {
      b.endpointOverride(settings.ecrEndpoint());
    } else if (host.fips() && !endpointConfigured("Ecr", "ECR")) {
      // FIPS registries are usually used under FIPS rules: ask for the token there too. The SDK
      // refuses FIPS together with a configured endpoint, so only without one.
      b.fipsEnabled(true);
    }
    return b.build();
  }

  private static boolean endpointConfigured(String propertySuffix, String envSuffix) {
    return System.getProperty("aws.endpointUrl" + propertySuffix) != null
        || System.getenv("AWS_ENDPOINT_URL_" + envSuffix) != null
        || System.getProperty("aws.endpointUrl") != null
        || System.getenv("AWS_ENDPOINT_URL") != null;
  }
}
