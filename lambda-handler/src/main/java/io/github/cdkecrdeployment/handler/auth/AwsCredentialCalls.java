package io.github.cdkecrdeployment.handler.auth;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The AWS calls behind {@link CredentialResolver}: Secrets Manager {@code GetSecretValue} (in the
 * region of the secret's ARN, else the default region) and ECR {@code GetAuthorizationToken} (in
 * the registry's region), with clients built once per region through the SDK's default chains. A
 * separate class so that the AWS SDK's classes load only when a credential needs one of these
 * calls.
 */
final class AwsCredentialCalls {
  private final AwsSettings settings;
  private final Log log;
  private final java.util.function.Consumer<Credential> redact;
  private final Map<String, SecretsManagerClient> secretsClients = new ConcurrentHashMap<>();
  private final Map<String, EcrClient> ecrClients = new ConcurrentHashMap<>();

  AwsCredentialCalls(
      AwsSettings settings, Log log, java.util.function.Consumer<Credential> redact) {
    this.settings = settings;
    this.log = log;
    this.redact = redact;
  }

  Credential fromSecret(String property, String secretId, String arnRegion)
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
    Credential c = CredentialResolver.parseSecret(property, secretId, value);
    redact.accept(c);
    return c;
  }

  Credential ecrToken(EcrHost host, String registry) throws CredentialException {
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
        CredentialResolver.splitPair(
            CredentialResolver.decodeBasicToken(data.authorizationToken(), "ECR"),
            "ECR",
            "ecr:GetAuthorizationToken in " + host.region());
    redact.accept(c);
    // The token as ECR returns it, also when it differs in padding or whitespace.
    log.redact(data.authorizationToken());
    return c;
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
