package io.github.cdkecrdeployment.handler.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The envelope of a CloudFormation custom-resource event: what is needed to answer it, plus the raw
 * properties to be parsed by {@link DeploymentProperties#parse(JsonNode)}. Parsed once, from the
 * event bytes; the raw event is never logged (it carries the response URL and credentials).
 *
 * @param requestType Create, Update or Delete
 * @param responseUrl the pre-signed S3 URL the single response is PUT to
 * @param stackId the stack
 * @param requestId unique per event
 * @param logicalResourceId the resource's logical id
 * @param physicalResourceId the id received (Update/Delete), or null on Create
 * @param resourceType e.g. {@code Custom::CDKECRDeployment}
 * @param properties the {@code ResourceProperties} object (empty object when absent)
 */
public record CfnEvent(
    RequestType requestType,
    URI responseUrl,
    String stackId,
    String requestId,
    String logicalResourceId,
    String physicalResourceId,
    String resourceType,
    JsonNode properties) {

  /** The three CloudFormation request types. */
  public enum RequestType {
    /** The resource is created: copy. */
    CREATE,
    /** Its properties changed: copy again. */
    UPDATE,
    /** It is removed: nothing to do. */
    DELETE
  }

  /** Checks the parts needed to respond; a null requestType means a missing or unknown one. */
  public CfnEvent {
    Objects.requireNonNull(responseUrl, "responseUrl");
    Objects.requireNonNull(properties, "properties");
  }

  /**
   * Parses an event. Throws only when the event cannot be answered at all (no usable ResponseURL);
   * every other problem is left for the response to report.
   *
   * @throws InvalidEventException when the bytes are not a custom-resource event
   */
  public static CfnEvent parse(byte[] event) {
    JsonNode root;
    try {
      root = Json.read(event);
    } catch (IOException e) {
      // Jackson's message quotes the input, which may hold credentials: not included.
      throw new InvalidEventException(
          "the Lambda event is not JSON: this function only handles CloudFormation custom-resource"
              + " events");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException(
          "the Lambda event is not a JSON object: this function only handles CloudFormation"
              + " custom-resource events");
    }
    String url = text(root, "ResponseURL");
    if (url == null || url.isBlank()) {
      throw new InvalidEventException(
          "the Lambda event has no ResponseURL: this function only handles CloudFormation"
              + " custom-resource events");
    }
    URI responseUrl;
    try {
      responseUrl = URI.create(url);
    } catch (IllegalArgumentException e) {
      // The URL is a secret (pre-signed), so it is not quoted.
      throw new InvalidEventException("the event's ResponseURL is not a valid URL");
    }
    String scheme = responseUrl.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
        || responseUrl.getHost() == null) {
      throw new InvalidEventException("the event's ResponseURL is not an http(s) URL");
    }
    JsonNode props = root.get("ResourceProperties");
    return new CfnEvent(
        requestType(text(root, "RequestType")),
        responseUrl,
        text(root, "StackId"),
        text(root, "RequestId"),
        text(root, "LogicalResourceId"),
        text(root, "PhysicalResourceId"),
        text(root, "ResourceType"),
        props == null || props.isNull() ? Json.object() : props);
  }

  private static RequestType requestType(String value) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "create":
          return RequestType.CREATE;
        case "update":
          return RequestType.UPDATE;
        case "delete":
          return RequestType.DELETE;
        default:
          break;
      }
    }
    // Still answerable: the response reports the bad type.
    return null;
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /**
   * The PhysicalResourceId to answer with: on Create the request id, on Update and Delete the one
   * received (falling back to the request id when CloudFormation sent none).
   */
  public String responsePhysicalResourceId() {
    if (requestType != RequestType.CREATE
        && physicalResourceId != null
        && !physicalResourceId.isEmpty()) {
      return physicalResourceId;
    }
    return requestId != null ? requestId : logicalResourceId;
  }

  @Override
  public String toString() {
    // Never the URL or the properties: both may carry secrets.
    return "CfnEvent["
        + requestType
        + " "
        + resourceType
        + " "
        + logicalResourceId
        + " request "
        + requestId
        + "]";
  }
}
