package io.github.cdkecrdeployment.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.Token;

/**
 * Synth-time checks of deployment properties. Messages follow CDK style (lowercase start, no final
 * period) and quote the bad value; the messages that upstream also produces are kept verbatim.
 * Unresolved tokens are never judged: their value is only known at deploy time.
 */
public final class Validation {
  /** Memory range of an AWS Lambda function, in MiB. */
  private static final int MIN_MEMORY = 128;

  private static final int MAX_MEMORY = 10240;

  /** The keys the handler understands in {@code RetryConfigs}, in the order they are documented. */
  private static final List<String> RETRY_KEYS = List.of("numAttempts", "baseDelay", "maxDelay");

  private Validation() {}

  /**
   * Checks the memory of the handler function and renders it as the handler's uuid suffix.
   *
   * @param memoryLimit the memory in MiB, or {@code null} for the default 512
   * @return the memory as a whole number of MiB
   * @throws IllegalArgumentException when it is a token, not a whole number or out of range
   */
  public static int memoryLimit(final Number memoryLimit) {
    if (memoryLimit == null) {
      return 512;
    }
    if (Token.isUnresolved(memoryLimit)) {
      throw new IllegalArgumentException(
          "Can't use tokens when specifying \"memoryLimit\" since we use it to identify the singleton"
              + " custom resource handler");
    }
    double value = memoryLimit.doubleValue();
    if (value != Math.rint(value) || value < MIN_MEMORY || value > MAX_MEMORY) {
      throw new IllegalArgumentException(
          "memoryLimit must be a whole number of MiB from "
              + MIN_MEMORY
              + " to "
              + MAX_MEMORY
              + ", got "
              + format(memoryLimit));
    }
    return (int) value;
  }

  /**
   * Applies upstream's checks of {@code imageArch}, {@code copyImageIndex} and {@code
   * archImageTags}, in upstream's order and with its messages.
   *
   * @param imageArch the architecture list or {@code null}
   * @param copyImageIndex the flag or {@code null}
   * @param archImageTags the tag map or {@code null}
   * @throws IllegalArgumentException when they do not fit together
   */
  public static void selection(
      final List<String> imageArch,
      final Boolean copyImageIndex,
      final Map<String, String> archImageTags) {
    boolean copyIndex = Boolean.TRUE.equals(copyImageIndex);
    if (imageArch != null && copyIndex) {
      throw new IllegalArgumentException("imageArch and copyImageIndex cannot both be set");
    }
    if (!copyIndex && archImageTags != null) {
      throw new IllegalArgumentException(
          "archImageTags can only be specified when copyImageIndex is true");
    }
    if (imageArch != null && imageArch.size() != 1) {
      throw new IllegalArgumentException(
          "imageArch must contain exactly 1 element, got " + jsonStrings(imageArch));
    }
  }

  /**
   * Checks {@code retryConfigs} as the handler will read it, so a mistake fails the synth instead
   * of the deployment.
   *
   * @param retryConfigs the retry settings or {@code null}
   * @throws IllegalArgumentException on an unknown key or a value out of range
   */
  public static void retryConfigs(final Map<String, Number> retryConfigs) {
    if (retryConfigs == null) {
      return;
    }
    for (String key : retryConfigs.keySet()) {
      if (!RETRY_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "retryConfigs has unknown key \""
                + key
                + "\": use only "
                + RETRY_KEYS.stream().collect(Collectors.joining(", ")));
      }
    }
    Number attempts = retryConfigs.get("numAttempts");
    if (isKnown(attempts)) {
      double n = attempts.doubleValue();
      if (n != Math.rint(n) || n < 1 || Double.isInfinite(n)) {
        throw new IllegalArgumentException(
            "retryConfigs numAttempts must be a whole number of at least 1, got "
                + format(attempts));
      }
    }
    for (String key : List.of("baseDelay", "maxDelay")) {
      Number delay = retryConfigs.get(key);
      if (isKnown(delay) && !(delay.doubleValue() > 0 && Double.isFinite(delay.doubleValue()))) {
        throw new IllegalArgumentException(
            "retryConfigs "
                + key
                + " must be a number of seconds greater than 0, got "
                + format(delay));
      }
    }
    Number base = retryConfigs.get("baseDelay");
    Number max = retryConfigs.get("maxDelay");
    if (isKnown(base) && isKnown(max) && base.doubleValue() > max.doubleValue()) {
      throw new IllegalArgumentException(
          "retryConfigs baseDelay must not exceed maxDelay, got baseDelay "
              + format(base)
              + " and maxDelay "
              + format(max));
    }
  }

  private static boolean isKnown(final Number n) {
    return n != null && !Token.isUnresolved(n);
  }

  /**
   * Formats a number the way JavaScript prints it for whole numbers ({@code 3}, not {@code 3.0}).
   */
  static String format(final Number n) {
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return String.valueOf(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).toPlainString();
  }

  /** Renders a list of strings as a JSON array, as upstream's {@code JSON.stringify} does. */
  private static String jsonStrings(final List<String> values) {
    return values.stream().map(Validation::jsonString).collect(Collectors.joining(",", "[", "]"));
  }

  private static String jsonString(final String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
