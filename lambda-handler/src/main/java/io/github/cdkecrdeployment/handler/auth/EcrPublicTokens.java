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
import java.io.IOException;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * ECR Public's {@code GetAuthorizationToken}, the one ECR Public call the handler needs: a signed
 * JSON 1.1 call (target {@code SpencerFrontendService.GetAuthorizationToken}, signing name {@code
 * ecr-public}) to us-east-1, the only region that serves it, at {@code
 * api.ecr-public.us-east-1.amazonaws.com} unless an endpoint is configured ({@link AwsEndpoints}).
 */
final class EcrPublicTokens {
  static final String REGION = "us-east-1";
  static final String TARGET = "SpencerFrontendService.GetAuthorizationToken";
  private static final String PERMISSIONS =
      "; the handler's role needs ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken";

  private final AwsEndpoints endpoints;
  private final AwsJsonCall call;

  EcrPublicTokens(AwsSettings settings) {
    this.endpoints = AwsEndpoints.of(settings);
    this.call =
        new AwsJsonCall(
            AwsService.ECR_PUBLIC,
            endpoints,
            new SignedCall(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build(),
                settings.credentials()),
            AwsRetry.STANDARD);
  }

  /**
   * Gets a token.
   *
   * @return the base64-decoded {@code AWS:<token>} pair
   */
  String getAuthorizationToken() throws CredentialException {
    JsonNode json;
    try {
      json =
          call.call(
              "ECR Public GetAuthorizationToken",
              REGION,
              false,
              TARGET,
              JsonNodeFactory.instance.objectNode(),
              Deadline.none());
    } catch (AwsServiceError e) {
      throw new CredentialException(
          "ECR Public GetAuthorizationToken failed with HTTP "
              + e.status()
              + (e.code() == null ? "" : " " + e.code())
              + (e.serviceMessage() == null ? "" : ": " + e.serviceMessage())
              + PERMISSIONS,
          e);
    } catch (IOException e) {
      throw new CredentialException(
          "cannot get an ECR Public token from "
              + host()
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")"
              + PERMISSIONS,
          e);
    }
    String token = json.path("authorizationData").path("authorizationToken").asText("");
    if (token.isEmpty()) {
      throw new CredentialException(
          "ECR Public GetAuthorizationToken returned no authorizationData.authorizationToken");
    }
    return CredentialResolver.decodeBasicToken(token, "ECR Public");
  }

  private String host() {
    try {
      return endpoints.resolve(AwsService.ECR_PUBLIC, REGION, false).uri().getHost();
    } catch (IOException e) {
      return "the ECR Public API";
    }
  }
}
