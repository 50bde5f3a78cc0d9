package io.github.cdkecrdeployment.handler.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.cdkecrdeployment.handler.aws.AwsEndpoints;
import io.github.cdkecrdeployment.handler.aws.AwsJsonCall;
import io.github.cdkecrdeployment.handler.aws.AwsRetry;
import io.github.cdkecrdeployment.handler.aws.AwsService;
import io.github.cdkecrdeployment.handler.aws.AwsServiceError;
import io.github.cdkecrdeployment.handler.aws.SignedCall;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import java.io.IOException;

/**
 * The AWS calls behind {@link CredentialResolver}: Secrets Manager {@code GetSecretValue} (in the
 * region of the secret's ARN, else the default region) and ECR {@code GetAuthorizationToken} (in
 * the registry's region, at its FIPS endpoint for a FIPS registry), as signed JSON calls with the
 * credentials of the settings, each retried as the SDK's standard mode does. A separate class so
 * that the AWS classes load only when a credential needs one of these calls.
 */
final class AwsCredentialCalls {
  static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";
  static final String GET_AUTHORIZATION_TOKEN =
      "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";

  private final AwsSettings settings;
  private final Log log;
  private final java.util.function.Consumer<Credential> redact;
  private final AwsJsonCall secretsManager;
  private final AwsJsonCall ecr;

  AwsCredentialCalls(
      AwsSettings settings, Log log, java.util.function.Consumer<Credential> redact) {
    this.settings = settings;
    this.log = log;
    this.redact = redact;
    AwsEndpoints endpoints = AwsEndpoints.of(settings);
    SignedCall signed = SignedCall.standard(settings.credentials());
    this.secretsManager =
        new AwsJsonCall(AwsService.SECRETS_MANAGER, endpoints, signed, AwsRetry.STANDARD);
    this.ecr = new AwsJsonCall(AwsService.ECR, endpoints, signed, AwsRetry.STANDARD);
  }

  Credential fromSecret(String property, String secretId, String arnRegion)
      throws CredentialException {
    String region = arnRegion != null ? arnRegion : settings.region().id();
    String reading = property + ": reading secret " + secretId + " in " + region;
    log.info(reading);
    JsonNode response;
    try {
      response =
          secretsManager.call(
              "GetSecretValue in " + region,
              region,
              false,
              GET_SECRET_VALUE,
              JsonNodeFactory.instance.objectNode().put("SecretId", secretId),
              Deadline.none());
    } catch (AwsServiceError e) {
      throw secretError(property, secretId, region, reading, e);
    } catch (IOException e) {
      throw new CredentialException(reading + " failed: " + e.getMessage(), e);
    }
    JsonNode value = response.get("SecretString");
    if (value == null || !value.isTextual()) {
      throw new CredentialException(
          property
              + ": secret "
              + secretId
              + (response.hasNonNull("SecretBinary")
                  ? " holds binary data only; store user:password or"
                      + " {\"username\":…,\"password\":…} as its secret string"
                  : " has no secret string; store user:password or"
                      + " {\"username\":…,\"password\":…} in it"));
    }
    Credential c = CredentialResolver.parseSecret(property, secretId, value.asText());
    redact.accept(c);
    return c;
  }

  /** The message of each error GetSecretValue documents, with its fix. */
  private static CredentialException secretError(
      String property, String secretId, String region, String reading, AwsServiceError e) {
    String code = e.code() != null ? e.code() : "";
    if (code.equals("ResourceNotFoundException")) {
      if (serviceMessage(e).contains("AWSCURRENT")) {
        // The secret exists but was created without a value: it has no AWSCURRENT version.
        return new CredentialException(
            property
                + ": secret "
                + secretId
                + " has no current value (no AWSCURRENT version); store user:password or"
                + " {\"username\":…,\"password\":…} in it (aws secretsmanager put-secret-value)",
            e);
      }
      return new CredentialException(
          property
              + ": secret "
              + secretId
              + " was not found in "
              + region
              + "; check the name or ARN, or create the secret with user:password or"
              + " {\"username\":…,\"password\":…}",
          e);
    }
    if (code.equals("DecryptionFailure")) {
      // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
      return new CredentialException(
          property
              + ": secret "
              + secretId
              + " cannot be decrypted with its KMS key (DecryptionFailure); check that the key is"
              + " enabled and that the handler's role may use it (kms:Decrypt)",
          e);
    }
    if (code.equals("InvalidRequestException")) {
      // GetSecretValue's InvalidRequestException: the secret is scheduled for deletion (the one
      // case of that error for this call; the service's message says which).
      return new CredentialException(
          reading
              + failedWith(e)
              + serviceMessage(e)
              + "; a secret scheduled for deletion cannot be read: restore it (aws secretsmanager"
              + " restore-secret --secret-id "
              + secretId
              + ") or use another secret",
          e);
    }
    boolean denied = e.status() == 403 || code.contains("AccessDenied");
    // A secret encrypted with a customer-managed key also needs kms:Decrypt on that key; the
    // service then says AccessDeniedException with a message about KMS.
    boolean kms = denied && serviceMessage(e).contains("KMS");
    return new CredentialException(
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
  }

  Credential ecrToken(EcrHost host, String registry) throws CredentialException {
    log.info("getting an ECR token for " + registry + " in " + host.region());
    JsonNode response;
    try {
      // FIPS registries are usually used under FIPS rules: the token comes from the FIPS
      // endpoint too, unless an endpoint is configured.
      response =
          ecr.call(
              "GetAuthorizationToken in " + host.region(),
              host.region(),
              host.fips(),
              GET_AUTHORIZATION_TOKEN,
              JsonNodeFactory.instance.objectNode(),
              Deadline.none());
    } catch (AwsServiceError e) {
      String code = e.code();
      boolean denied = e.status() == 403 || (code != null && code.contains("AccessDenied"));
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
    } catch (IOException e) {
      throw new CredentialException(
          "cannot get an ECR token for "
              + registry
              + " from the ECR API in "
              + host.region()
              + ": "
              + e.getMessage(),
          e);
    }
    JsonNode token = response.path("authorizationData").path(0).get("authorizationToken");
    if (token == null || !token.isTextual()) {
      throw new CredentialException(
          "ECR GetAuthorizationToken in " + host.region() + " returned no authorization token");
    }
    Credential c =
        CredentialResolver.splitPair(
            CredentialResolver.decodeBasicToken(token.asText(), "ECR"),
            "ECR",
            "ecr:GetAuthorizationToken in " + host.region());
    redact.accept(c);
    // The token as ECR returns it, also when it differs in padding or whitespace.
    log.redact(token.asText());
    return c;
  }

  /**
   * " (Access to KMS is not allowed)": the service's own message, which names no secret value, or
   * "".
   */
  private static String serviceMessage(AwsServiceError e) {
    String m = e.serviceMessage();
    return m == null || m.isBlank() ? "" : " (" + m.trim() + ")";
  }

  /** " failed with HTTP 403 AccessDeniedException": the status and the AWS error code. */
  private static String failedWith(AwsServiceError e) {
    return " failed with HTTP " + e.status() + (e.code() != null ? " " + e.code() : "");
  }
}
