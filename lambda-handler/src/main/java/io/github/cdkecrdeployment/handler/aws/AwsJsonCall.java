package io.github.cdkecrdeployment.handler.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Json;
import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Calls of the AWS JSON 1.1 protocol (<a
 * href="https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html">awsJson1_1</a>), which ECR,
 * ECR Public and Secrets Manager speak: {@code POST /} with the operation in {@code X-Amz-Target}
 * and a JSON body; an error is a 4xx/5xx whose code is in the {@code X-Amzn-ErrorType} header or
 * the body's {@code __type}, its message in {@code message} (or {@code Message}). Each call is
 * retried by {@link AwsRetry}. Thread-safe.
 */
public final class AwsJsonCall {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final AwsService service;
  private final AwsEndpoints endpoints;
  private final SignedCall signed;
  private final AwsRetry retry;

  /**
   * Creates one.
   *
   * @param service the service called
   * @param endpoints where it is
   * @param signed signs and sends
   * @param retry the retry of each call
   */
  public AwsJsonCall(
      AwsService service, AwsEndpoints endpoints, SignedCall signed, AwsRetry retry) {
    this.service = service;
    this.endpoints = endpoints;
    this.signed = signed;
    this.retry = retry;
  }

  /**
   * Calls {@code target} with {@code body} in {@code region}.
   *
   * @param what the call in error messages, e.g. {@code ECR BatchDeleteImage in us-east-1}
   * @param fips true to use the service's FIPS endpoint unless one is configured
   * @return the response's JSON
   * @throws AwsServiceError when the service answers an error (also a 2xx that is not JSON)
   * @throws IOException when it cannot be reached, after the retries
   */
  public JsonNode call(
      String what, String region, boolean fips, String target, JsonNode body, Deadline deadline)
      throws IOException {
    byte[] payload = Json.write(body);
    URI endpoint = endpoints.resolve(service, region, fips).uri();
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(
                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                    ? endpoint.resolve("/")
                    : endpoint)
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", target)
            .putHeader("Content-Length", Integer.toString(payload.length))
            .build();
    return retry.run(what, deadline, () -> once(what, request, payload, region));
  }

  private JsonNode once(String what, SdkHttpRequest request, byte[] payload, String region)
      throws IOException {
    try (AwsResponse r = signed.send(request, payload, service, region)) {
      int status = r.status();
      byte[] bytes = r.readBody(status / 100 == 2 ? Integer.MAX_VALUE : MAX_ERROR_BODY);
      JsonNode json = parse(bytes);
      if (status / 100 == 2 && json != null && json.isObject()) {
        return json;
      }
      throw error(what, status, r.header("X-Amzn-ErrorType"), json, r.header("x-amzn-RequestId"));
    }
  }

  /** The error of a response: its code from the header or the body, its message. */
  static AwsServiceError error(
      String what, int status, String errorTypeHeader, JsonNode body, String requestId) {
    String code = null;
    if (errorTypeHeader != null && !errorTypeHeader.isBlank()) {
      // "ValidationException:http://internal.amazon.com/coral/…": the code is before the colon.
      int colon = errorTypeHeader.indexOf(':');
      code = (colon >= 0 ? errorTypeHeader.substring(0, colon) : errorTypeHeader).trim();
    }
    String message = null;
    if (body != null) {
      String type = body.path("__type").asText("");
      if ((code == null || code.isEmpty()) && !type.isEmpty()) {
        // "com.amazonaws.secretsmanager#ResourceNotFoundException": the code is after the '#'.
        code = type.substring(type.lastIndexOf('#') + 1);
      }
      JsonNode m = body.hasNonNull("message") ? body.get("message") : body.get("Message");
      if (m != null && m.isTextual() && !m.asText().isBlank()) {
        message = m.asText().trim();
      }
    }
    return new AwsServiceError(
        what, status, code == null || code.isEmpty() ? null : code, message, requestId);
  }

  private static JsonNode parse(byte[] bytes) {
    if (bytes.length == 0) {
      return null;
    }
    try {
      return Json.read(bytes);
    } catch (IOException e) {
      return null;
    }
  }
}
