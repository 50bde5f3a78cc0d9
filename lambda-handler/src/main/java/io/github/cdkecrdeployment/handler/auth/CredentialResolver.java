package io.github.cdkecrdeployment.handler.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Json;
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

/**
 * Turns {@code SrcCreds}/{@code DestCreds} and the image's registry into a {@link Credential}
 * (DESIGN §6). First match wins: explicit creds ({@code user:pass}, or a Secrets Manager secret
 * name or ARN holding {@code user:pass} or {@code {"username":…,"password":…}}); a private ECR host
 * gets a token from {@code ecr:GetAuthorizationToken} in its region; {@code public.ecr.aws} gets
 * one from ECR Public in us-east-1; anything else is anonymous (null).
 *
 * <p>The AWS calls are set up once and reused across invocations; registry tokens are cached per
 * registry within one {@link Session}. Every resolved password is registered with the {@link Log}
 * for redaction.
 */
public class CredentialResolver {
  private static final Pattern SECRET_ARN =
      Pattern.compile("arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\\d{12}):secret:(.+)");

  private final AwsSettings settings;
  private final Log log;
  private volatile AwsCredentialCalls aws;
  private volatile EcrPublicTokens ecrPublic;

  /**
   * Creates one.
   *
   * @param settings how AWS calls are made
   * @param log for stage lines and redaction
   */
  public CredentialResolver(AwsSettings settings, Log log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * The AWS calls (Secrets Manager, ECR), made on first need: a copy between registries that need
   * neither never loads the AWS classes (credentials chain, signer), which costs a Lambda's small
   * CPU share real time.
   */
  private AwsCredentialCalls aws() {
    AwsCredentialCalls a = aws;
    if (a == null) {
      synchronized (this) {
        if (aws == null) {
          aws = new AwsCredentialCalls(settings, log, this::redact);
        }
        a = aws;
      }
    }
    return a;
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
          c = aws().ecrToken(ecr, registry);
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
      return aws().fromSecret(property, spec, m.group(2));
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
    return aws().fromSecret(property, spec, null);
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
        n = Json.read(v);
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

  private Credential ecrPublicToken() throws CredentialException {
    log.info("getting an ECR Public token in " + EcrPublicTokens.REGION);
    EcrPublicTokens client = ecrPublic;
    if (client == null) {
      synchronized (this) {
        if (ecrPublic == null) {
          ecrPublic = new EcrPublicTokens(settings);
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

  static Credential splitPair(String pair, String service, String issuer)
      throws CredentialException {
    int colon = pair.indexOf(':');
    if (colon <= 0 || colon == pair.length() - 1) {
      throw new CredentialException(
          service + " returned an authorization token that is not of the form user:password");
    }
    return Credential.issued(pair.substring(0, colon), pair.substring(colon + 1), issuer);
  }
}
