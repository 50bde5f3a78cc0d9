package io.github.cdkecrdeployment.handler.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * ECR Public's {@code GetAuthorizationToken}, the one ECR Public call the handler needs. The SDK's
 * {@code ecrpublic} module is not used (it is not available to this build), so the call is made
 * with the SDK's own parts: the default credentials, its SigV4 signer and its URL-connection HTTP
 * client, speaking the service's JSON 1.1 protocol (target {@code
 * SpencerFrontendService.GetAuthorizationToken}, signing name {@code ecr-public}, us-east-1).
 */
final class EcrPublicTokens {
  static final String REGION = "us-east-1";
  static final URI DEFAULT_ENDPOINT = URI.create("https://api.ecr-public.us-east-1.amazonaws.com");

  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;

  EcrPublicTokens(URI endpointOverride, AwsCredentialsProvider credentials) {
    this.endpoint = endpointOverride != null ? endpointOverride : configuredEndpoint();
    this.credentials = credentials;
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(30))
            .build();
  }

  /** The SDK's standard service-endpoint settings, in its order of precedence. */
  private static URI configuredEndpoint() {
    for (String v :
        new String[] {
          System.getProperty("aws.endpointUrlEcrPublic"),
          System.getenv("AWS_ENDPOINT_URL_ECR_PUBLIC"),
          System.getProperty("aws.endpointUrl"),
          System.getenv("AWS_ENDPOINT_URL")
        }) {
      if (v != null && !v.isBlank()) {
        return URI.create(v.trim());
      }
    }
    return DEFAULT_ENDPOINT;
  }

  /**
   * Gets a token.
   *
   * @return the base64-decoded {@code AWS:<token>} pair
   */
  String getAuthorizationToken() throws CredentialException {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint.resolve("/"))
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", "SpencerFrontendService.GetAuthorizationToken")
            .build();
    HttpExecuteResponse response;
    String responseBody;
    try {
      SignedRequest signed =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(credentials.resolveCredentials())
                          .request(request)
                          .payload(ContentStreamProvider.fromByteArray(body))
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecr-public")
                          .putProperty(AwsV4HttpSigner.REGION_NAME, REGION));
      response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      try (InputStream in = response.responseBody().orElse(null)) {
        responseBody = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      throw new CredentialException(
          "cannot get an ECR Public token from "
              + endpoint.getHost()
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); the handler's role needs ecr-public:GetAuthorizationToken and"
              + " sts:GetServiceBearerToken",
          e);
    }
    int status = response.httpResponse().statusCode();
    JsonNode json;
    try {
      json = Json.read(responseBody);
    } catch (IOException e) {
      json = null;
    }
    if (status != 200 || json == null) {
      String type = json != null ? json.path("__type").asText("") : "";
      String message = json != null ? json.path("message").asText("") : "";
      throw new CredentialException(
          "ECR Public GetAuthorizationToken failed with HTTP "
              + status
              + (type.isEmpty() ? "" : " " + type)
              + (message.isEmpty() ? "" : ": " + message)
              + "; the handler's role needs ecr-public:GetAuthorizationToken and"
              + " sts:GetServiceBearerToken");
    }
    String token = json.path("authorizationData").path("authorizationToken").asText("");
    if (token.isEmpty()) {
      throw new CredentialException(
          "ECR Public GetAuthorizationToken returned no authorizationData.authorizationToken");
    }
    return CredentialResolver.decodeBasicToken(token, "ECR Public");
  }
}
