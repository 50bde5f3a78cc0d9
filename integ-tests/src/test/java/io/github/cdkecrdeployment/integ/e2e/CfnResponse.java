package io.github.cdkecrdeployment.integ.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A custom resource response as the function PUT it to the pre-signed {@code ResponseURL}. See
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html.
 *
 * @param status {@code SUCCESS} or {@code FAILED}
 * @param reason the reason (required for FAILED), or null
 * @param physicalResourceId the physical id
 * @param stackId echoed from the request
 * @param requestId echoed from the request
 * @param logicalResourceId echoed from the request
 * @param data the {@code Data} values
 * @param body the raw body
 * @param receivedAt when the PUT arrived
 */
public record CfnResponse(
    String status,
    String reason,
    String physicalResourceId,
    String stackId,
    String requestId,
    String logicalResourceId,
    Map<String, String> data,
    String body,
    Instant receivedAt) {

  /** Parses a response body. */
  public static CfnResponse parse(String body, Instant receivedAt) {
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("response body is not JSON: " + body, e);
    }
    Map<String, String> data = new LinkedHashMap<>();
    n.path("Data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    return new CfnResponse(
        text(n, "Status"),
        text(n, "Reason"),
        text(n, "PhysicalResourceId"),
        text(n, "StackId"),
        text(n, "RequestId"),
        text(n, "LogicalResourceId"),
        Map.copyOf(data),
        body,
        receivedAt);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
