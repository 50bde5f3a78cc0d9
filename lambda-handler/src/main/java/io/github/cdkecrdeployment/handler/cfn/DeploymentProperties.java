package io.github.cdkecrdeployment.handler.cfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * values (DESIGN §2: every value arrives as a string).
 *
 * @param source {@code SrcImage}
 * @param sourceCreds {@code SrcCreds} as written (literal, secret name or ARN), or null
 * @param destination {@code DestImage}
 * @param destinationCreds {@code DestCreds} as written, or null
 * @param selection from {@code ImageArch} / {@code CopyImageIndex}
 * @param archTags {@code ArchImageTags}, empty when unset
 * @param retryPolicy {@code RetryConfigs}, {@link RetryPolicy#NONE} when unset
 * @param additionalTags {@code AdditionalTags}, empty when unset
 * @param removeOnDelete {@code RemovalPolicy} is {@code "destroy"}: Delete removes the pushed tags
 */
public record DeploymentProperties(
    SourceLocation source,
    String sourceCreds,
    ImageReference destination,
    String destinationCreds,
    Selection selection,
    Map<String, String> archTags,
    RetryPolicy retryPolicy,
    List<String> additionalTags,
    boolean removeOnDelete) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARCH = Pattern.compile("[a-z0-9_]+(/[a-z0-9_]+)?");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Set<String> RETRY_KEYS = Set.of("numAttempts", "baseDelay", "maxDelay");
  private static final Duration DEFAULT_BASE_DELAY = RetryPolicy.NONE.baseDelay();
  private static final Duration DEFAULT_MAX_DELAY = RetryPolicy.NONE.maxDelay();

  /** Copies the map and list. */
  public DeploymentProperties {
    archTags = Map.copyOf(archTags);
    additionalTags = List.copyOf(additionalTags);
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

    boolean copyIndex = parseBoolean(props, "CopyImageIndex");
    String arch = optional(props, "ImageArch");
    if (arch != null && !ARCH.matcher(arch).matches()) {
      throw new InvalidPropertyException(
          "invalid ImageArch '"
              + arch
              + "': use an architecture such as amd64, arm64 or arm/v7 (the imageArch prop takes"
              + " one element)");
    }
    if (arch != null && copyIndex) {
      throw new InvalidPropertyException(
          "ImageArch and CopyImageIndex cannot both be set: set imageArch to copy one platform, or"
              + " copyImageIndex to copy the whole index");
    }
    Selection selection =
        copyIndex
            ? Selection.all()
            : arch != null ? Selection.arch(arch) : Selection.defaultPlatform();

    Map<String, String> archTags = parseArchTags(props);
    if (!archTags.isEmpty() && !copyIndex) {
      throw new InvalidPropertyException(
          "ArchImageTags can only be specified when CopyImageIndex is \"true\": set"
              + " copyImageIndex to true or remove archImageTags");
    }
    return new DeploymentProperties(
        source,
        optional(props, "SrcCreds"),
        destination,
        optional(props, "DestCreds"),
        selection,
        archTags,
        parseRetry(props),
        parseAdditionalTags(props),
        parseRemovalPolicy(props));
  }

  private static List<String> parseAdditionalTags(JsonNode props) {
    String example = "[\"1.2.3\",\"stable\"]";
    String v = optional(props, "AdditionalTags");
    if (v == null) {
      return List.of();
    }
    JsonNode n;
    try {
      n = JSON.readTree(v);
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
      n = JSON.readTree(v);
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

  private static RetryPolicy parseRetry(JsonNode props) {
    String example = "{\"numAttempts\":3,\"baseDelay\":1,\"maxDelay\":30}";
    JsonNode n = parseJson(props, "RetryConfigs", example);
    if (n == null) {
      return RetryPolicy.NONE;
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
    int attempts = 1;
    JsonNode a = n.get("numAttempts");
    if (a != null) {
      if (!a.isIntegralNumber() || !a.canConvertToInt() || a.asInt() < 1) {
        throw new InvalidPropertyException(
            "invalid RetryConfigs.numAttempts "
                + a
                + ": it must be an integer of at least 1 (attempts of the whole copy)");
      }
      attempts = a.asInt();
    }
    Duration base = seconds(n, "baseDelay");
    Duration max = seconds(n, "maxDelay");
    if (base == null) {
      base = max != null && max.compareTo(DEFAULT_BASE_DELAY) < 0 ? max : DEFAULT_BASE_DELAY;
    }
    if (max == null) {
      max = base.compareTo(DEFAULT_MAX_DELAY) > 0 ? base : DEFAULT_MAX_DELAY;
    }
    if (base.compareTo(max) > 0) {
      throw new InvalidPropertyException(
          "invalid RetryConfigs: baseDelay "
              + n.get("baseDelay")
              + " is greater than maxDelay "
              + n.get("maxDelay")
              + "; make baseDelay at most maxDelay (seconds)");
    }
    return new RetryPolicy(attempts, base, max);
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
        + source
        + " -> docker://"
        + destination
        + ", "
        + selection
        + (archTags.isEmpty() ? "" : ", archTags=" + archTags)
        + (additionalTags.isEmpty() ? "" : ", additionalTags=" + additionalTags)
        + (removeOnDelete ? ", RemovalPolicy=destroy" : "")
        + ", "
        + retryPolicy
        + (sourceCreds != null ? ", SrcCreds=<redacted>" : "")
        + (destinationCreds != null ? ", DestCreds=<redacted>" : "")
        + "]";
  }
}
