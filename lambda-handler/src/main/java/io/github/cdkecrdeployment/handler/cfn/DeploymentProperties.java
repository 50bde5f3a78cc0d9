package io.github.cdkecrdeployment.handler.cfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.copy.CopyOptions;
import io.github.cdkecrdeployment.handler.copy.RetryPolicy;
import io.github.cdkecrdeployment.handler.copy.Selection;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code ResourceProperties} of a {@code Custom::CDKECRDeployment}, parsed once into typed
 * values (DESIGN §2: every value arrives as a string). The copy's part is the {@link CopyOptions}
 * the command line builds too, checked by the same rules.
 *
 * @param options what to copy: {@code SrcImage}, {@code SrcCreds}, {@code DestImage}, {@code
 *     DestCreds}, {@code ImageArch}/{@code CopyImageIndex}, {@code ArchImageTags}, {@code
 *     AdditionalTags}, {@code RetryConfigs}
 * @param removeOnDelete {@code RemovalPolicy} is {@code "destroy"}: Delete removes the pushed tags
 */
public record DeploymentProperties(CopyOptions options, boolean removeOnDelete) {

  private static final Pattern ARCH = Pattern.compile("[a-z0-9_]+(/[a-z0-9_]+){0,2}");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Set<String> RETRY_KEYS = Set.of("numAttempts", "baseDelay", "maxDelay");

  /** Checks the options are there. */
  public DeploymentProperties {
    java.util.Objects.requireNonNull(options, "options");
  }

  /** {@code SrcImage}. */
  public SourceLocation source() {
    return options.source();
  }

  /** {@code SrcCreds} as written (literal, secret name or ARN), or null. */
  public String sourceCreds() {
    return options.sourceCreds();
  }

  /** {@code DestImage}. */
  public ImageReference destination() {
    return options.destination();
  }

  /** {@code DestCreds} as written, or null. */
  public String destinationCreds() {
    return options.destinationCreds();
  }

  /** From {@code ImageArch} / {@code CopyImageIndex}. */
  public Selection selection() {
    return options.selection();
  }

  /** {@code ArchImageTags}, empty when unset. */
  public Map<String, String> archTags() {
    return options.archTags();
  }

  /** {@code AdditionalTags}, empty when unset. */
  public List<String> additionalTags() {
    return options.additionalTags();
  }

  /** {@code RetryConfigs}, {@link RetryPolicy#NONE} when unset. */
  public RetryPolicy retryPolicy() {
    return options.retryPolicy();
  }

  /**
   * Parses the properties object.
   *
   * @throws InvalidPropertyException naming the property, the bad value and the fix
   */
  public static DeploymentProperties parse(JsonNode props) {
    if (props == null || !props.isObject()) {
      throw new InvalidPropertyException(
          "ResourceProperties is missing: the custom resource needs SrcImage and DestImage");
    }
    String src = required(props, "SrcImage", "docker://REPOSITORY:TAG or s3://BUCKET/KEY[:REF]");
    SourceLocation source;
    try {
      source = SourceLocation.parse(src);
    } catch (IllegalArgumentException e) {
      throw new InvalidPropertyException("invalid SrcImage: " + e.getMessage());
    }
    String dest = required(props, "DestImage", "docker://REPOSITORY:TAG");
    if (!dest.startsWith("docker://")) {
      throw new InvalidPropertyException(
          "invalid DestImage '"
              + dest
              + "': the destination must be a registry image, docker://REPOSITORY:TAG, e.g."
              + " docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest");
    }
    ImageReference destination;
    try {
      destination = ImageReference.parse(dest.substring("docker://".length()));
    } catch (IllegalArgumentException e) {
      throw new InvalidPropertyException("invalid DestImage: " + e.getMessage());
    }

    CopyOptions.Builder b =
        CopyOptions.builder(CopyOptions.Names.CLOUDFORMATION)
            .source(source)
            .destination(destination)
            .sourceCreds(optional(props, "SrcCreds"))
            .destinationCreds(optional(props, "DestCreds"))
            .all(parseBoolean(props, "CopyImageIndex"))
            .arch(optional(props, "ImageArch"));
    parseArchTags(props).forEach(b::archTag);
    parseAdditionalTags(props).forEach(b::additionalTag);
    parseRetry(props, b);
    CopyOptions o;
    try {
      o = b.build();
    } catch (IllegalArgumentException e) {
      throw new InvalidPropertyException(e.getMessage());
    }
    return new DeploymentProperties(o, parseRemovalPolicy(props));
  }

  private static String required(JsonNode props, String name, String form) {
    String v = optional(props, name);
    if (v == null) {
      throw new InvalidPropertyException(
          "property " + name + " is missing or empty: set it to " + form);
    }
    return v;
  }

  /** A string property, or null when absent or empty. */
  private static String optional(JsonNode props, String name) {
    JsonNode n = props.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode()) {
      throw new InvalidPropertyException(
          "property " + name + " must be a string, got a JSON " + n.getNodeType().toString());
    }
    String v = n.asText().trim();
    return v.isEmpty() ? null : v;
  }

  private static boolean parseBoolean(JsonNode props, String name) {
    String v = optional(props, name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw new InvalidPropertyException(
        "invalid "
            + name
            + " '"
            + v
            + "': use \"true\" or \"false\" (set copyImageIndex to true or leave it unset)");
  }

  private static JsonNode parseJson(JsonNode props, String name, String example) {
    String v = optional(props, name);
    if (v == null) {
      return null;
    }
    JsonNode n;
    try {
      n = Json.read(v);
    } catch (JsonProcessingException e) {
      throw new InvalidPropertyException(
          "invalid " + name + " '" + v + "': it is not JSON; use an object like " + example);
    }
    if (n == null || !n.isObject()) {
      throw new InvalidPropertyException(
          "invalid "
              + name
              + " '"
              + v
              + "': it is not a JSON object; use an object like "
              + example);
    }
    return n;
  }

  private static Map<String, String> parseArchTags(JsonNode props) {
    String example = "{\"arm64\":\"v1-arm64\",\"amd64\":\"v1-amd64\"}";
    JsonNode n = parseJson(props, "ArchImageTags", example);
    Map<String, String> tags = new LinkedHashMap<>();
    if (n == null) {
      return tags;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String arch = e.getKey();
      if (!ARCH.matcher(arch).matches()) {
        throw new InvalidPropertyException(
            "invalid ArchImageTags key '"
                + arch
                + "': keys are architectures such as amd64, arm64 or arm/v7, e.g. "
                + example);
      }
      JsonNode t = e.getValue();
      if (!t.isTextual() || !TAG.matcher(t.asText()).matches()) {
        throw new InvalidPropertyException(
            "invalid ArchImageTags value for '"
                + arch
                + "': "
                + t
                + " is not a tag; use a tag such as \"v1-"
                + arch.replace('/', '-')
                + "\" ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
      }
      tags.put(arch, t.asText());
    }
    return tags;
  }

  private static void parseRetry(JsonNode props, CopyOptions.Builder b) {
    String example = "{\"numAttempts\":3,\"baseDelay\":1,\"maxDelay\":30}";
    JsonNode n = parseJson(props, "RetryConfigs", example);
    if (n == null) {
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!RETRY_KEYS.contains(key)) {
        throw new InvalidPropertyException(
            "invalid RetryConfigs: unknown key '"
                + key
                + "'; the keys are numAttempts, baseDelay and maxDelay, e.g. "
                + example);
      }
    }
    JsonNode a = n.get("numAttempts");
    if (a != null) {
      if (!a.isIntegralNumber() || !a.canConvertToInt() || a.asInt() < 1) {
        throw new InvalidPropertyException(
            "invalid RetryConfigs.numAttempts "
                + a
                + ": it must be an integer of at least 1 (attempts of the whole copy)");
      }
    }
    b.attempts(a == null ? 1 : a.asInt())
        .baseDelay(seconds(n, "baseDelay"), String.valueOf(n.get("baseDelay")))
        .maxDelay(seconds(n, "maxDelay"), String.valueOf(n.get("maxDelay")));
  }

  private static List<String> parseAdditionalTags(JsonNode props) {
    String example = "[\"1.2.3\",\"stable\"]";
    String v = optional(props, "AdditionalTags");
    if (v == null) {
      return List.of();
    }
    JsonNode n;
    try {
      n = Json.read(v);
    } catch (JsonProcessingException e) {
      throw new InvalidPropertyException(
          "invalid AdditionalTags '" + v + "': it is not JSON; use an array like " + example);
    }
    if (n == null || !n.isArray()) {
      throw new InvalidPropertyException(
          "invalid AdditionalTags '"
              + v
              + "': it is not a JSON array; use an array like "
              + example);
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode t : n) {
      if (!t.isTextual() || !TAG.matcher(t.asText()).matches()) {
        throw new InvalidPropertyException(
            "invalid AdditionalTags element "
                + t
                + ": it is not a tag; use tags such as "
                + example
                + " ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
      }
      if (!tags.contains(t.asText())) {
        tags.add(t.asText());
      }
    }
    return tags;
  }

  private static boolean parseRemovalPolicy(JsonNode props) {
    String v = optional(props, "RemovalPolicy");
    if (v == null || v.equalsIgnoreCase("retain")) {
      return false;
    }
    if (v.equalsIgnoreCase("destroy")) {
      return true;
    }
    throw new InvalidPropertyException(
        "invalid RemovalPolicy '"
            + v
            + "': use \"destroy\" (Delete removes the pushed tags) or \"retain\" (the default;"
            + " set removalPolicy to DESTROY or RETAIN)");
  }

  private static Duration seconds(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
      throw new InvalidPropertyException(
          "invalid RetryConfigs." + key + " " + v + ": it must be a number of seconds above 0");
    }
    return Duration.ofNanos(Math.round(v.asDouble() * 1e9));
  }

  @Override
  public String toString() {
    // Credentials are literals or secret names; neither is printed.
    return "DeploymentProperties["
        + source()
        + " -> docker://"
        + destination()
        + ", "
        + selection()
        + (archTags().isEmpty() ? "" : ", archTags=" + archTags())
        + (additionalTags().isEmpty() ? "" : ", additionalTags=" + additionalTags())
        + (removeOnDelete ? ", RemovalPolicy=destroy" : "")
        + ", "
        + retryPolicy()
        + (sourceCreds() != null ? ", SrcCreds=<redacted>" : "")
        + (destinationCreds() != null ? ", DestCreds=<redacted>" : "")
        + "]";
  }
}
