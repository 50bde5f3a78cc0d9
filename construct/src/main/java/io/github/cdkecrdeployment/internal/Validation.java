package io.github.cdkecrdeployment.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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

  /** A tag as the distribution spec defines it. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private static final Pattern TRANSPORT = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  /** Architectures (GOARCH values, as in OCI image indexes) and the aliases the handler accepts. */
  private static final Set<String> ARCHITECTURES =
      Set.of(
          "386",
          "amd64",
          "arm",
          "arm64",
          "loong64",
          "mips",
          "mipsle",
          "mips64",
          "mips64le",
          "ppc64",
          "ppc64le",
          "riscv64",
          "s390x",
          "wasm",
          "x86_64",
          "x86-64",
          "aarch64");

  private static final Set<String> OPERATING_SYSTEMS =
      Set.of("linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "wasip1");

  private static final Pattern VARIANT = Pattern.compile("v[0-9]+");

  private Validation() {}

  /**
   * Checks a literal image name given to {@code DockerImageName}; names holding tokens are not
   * judged.
   *
   * @param name the name without transport
   * @throws IllegalArgumentException on a transport prefix, whitespace or an upper-case repository
   */
  public static void imageName(final String name) {
    if (Token.isUnresolved(name)) {
      return;
    }
    if (TRANSPORT.matcher(name).find()) {
      String bare = TRANSPORT.matcher(name).replaceFirst("");
      throw new IllegalArgumentException(
          "image name \""
              + name
              + "\" starts with a transport prefix, so its URI would be \"docker://"
              + name
              + "\": pass the name without it, new DockerImageName(\""
              + bare
              + "\")");
    }
    if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "image name \""
              + name
              + "\" is empty or contains whitespace: pass a reference such as \"nginx:latest\"");
    }
    String repository = repositoryPath(name);
    if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "image name \""
              + name
              + "\" has upper-case letters in its repository \""
              + repository
              + "\", which registries reject: use \""
              + name.replace(repository, repository.toLowerCase(Locale.ROOT))
              + "\"");
    }
  }

  /**
   * Checks a literal bucket-and-key given to {@code S3ArchiveName}.
   *
   * @param p the bucket and key
   * @throws IllegalArgumentException on a transport prefix
   */
  public static void archiveName(final String p) {
    if (!Token.isUnresolved(p) && TRANSPORT.matcher(p).find()) {
      throw new IllegalArgumentException(
          "archive \""
              + p
              + "\" starts with a transport prefix, so its URI would be \"s3://"
              + p
              + "\": pass the bucket and key without it, e.g. new S3ArchiveName(\""
              + TRANSPORT.matcher(p).replaceFirst("")
              + "\")");
    }
  }

  /**
   * Whether a literal image URI ({@code docker://...}) names neither a tag nor a digest, so the
   * handler writes {@code :latest}. A URI whose end is a token is never judged.
   *
   * @param uri the URI
   * @return true when the literal end of the URI has no tag or digest
   */
  public static boolean lacksTagOrDigest(final String uri) {
    if (!uri.startsWith("docker://")) {
      return false;
    }
    String name = uri.substring("docker://".length());
    if (Token.isUnresolved(name)) {
      String end = literalSuffix(name);
      // Without a '/', ':' or '@' after the last token, the token may hold the tag.
      if (end == null || !(end.contains("/") || end.contains(":") || end.contains("@"))) {
        return false;
      }
      name = end;
    }
    return !name.contains("@") && !name.substring(name.lastIndexOf('/') + 1).contains(":");
  }

  /**
   * Whether credentials look like a literal {@code user:password} (a secret name cannot contain
   * {@code :}; an ARN starts with {@code arn:}).
   *
   * @param creds the credentials or null
   * @return true for plain-text credentials
   */
  public static boolean isPlainTextCreds(final String creds) {
    if (creds == null || creds.startsWith("arn:")) {
      return false;
    }
    String literal = Token.isUnresolved(creds) ? literalPrefix(creds) : creds;
    return literal != null && literal.contains(":");
  }

  /**
   * Checks that every key of {@code archImageTags} is an architecture and every value a tag.
   *
   * @param archImageTags the map or null
   * @throws IllegalArgumentException naming the bad key or value
   */
  public static void archImageTags(final Map<String, String> archImageTags) {
    if (archImageTags == null) {
      return;
    }
    archImageTags.forEach(
        (arch, tag) -> {
          if (!Token.isUnresolved(arch) && !isArchitecture(arch)) {
            throw new IllegalArgumentException(
                "archImageTags key \""
                    + arch
                    + "\" is not an architecture: use one such as amd64, arm64, arm/v7 or"
                    + " linux/arm64");
          }
          if (!Token.isUnresolved(tag) && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException(
                "archImageTags maps \"" + arch + "\" to \"" + tag + "\", which " + notATag());
          }
        });
  }

  /**
   * Checks the additional tags.
   *
   * @param tags the tags or null
   * @throws IllegalArgumentException naming the bad tag
   */
  public static void additionalTags(final List<String> tags) {
    if (tags == null) {
      return;
    }
    for (String tag : tags) {
      if (!Token.isUnresolved(tag) && !TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "additionalTags has \"" + tag + "\", which " + notATag());
      }
    }
  }

  private static String notATag() {
    return "is not a tag: a tag is 1 to 128 letters, digits, '_', '.' and '-', not starting with"
        + " '.' or '-'";
  }

  private static boolean isArchitecture(final String value) {
    String[] p = value.split("/", -1);
    return switch (p.length) {
      case 1 -> ARCHITECTURES.contains(p[0]);
      case 2 ->
          OPERATING_SYSTEMS.contains(p[0])
              ? ARCHITECTURES.contains(p[1])
              : ARCHITECTURES.contains(p[0]) && VARIANT.matcher(p[1]).matches();
      case 3 ->
          OPERATING_SYSTEMS.contains(p[0])
              && ARCHITECTURES.contains(p[1])
              && VARIANT.matcher(p[2]).matches();
      default -> false;
    };
  }

  /** The repository path of a reference: without registry host, tag and digest. */
  private static String repositoryPath(final String name) {
    String n = name;
    int at = n.indexOf('@');
    if (at >= 0) {
      n = n.substring(0, at);
    }
    int slash = n.lastIndexOf('/');
    int colon = n.lastIndexOf(':');
    if (colon > slash) {
      n = n.substring(0, colon);
    }
    int first = n.indexOf('/');
    if (first > 0) {
      String host = n.substring(0, first);
      if (host.contains(".") || host.contains(":") || host.equals("localhost")) {
        n = n.substring(first + 1);
      }
    }
    return n;
  }

  /** The text after the last token of a string (CDK encodes tokens as "${Token[...]}"). */
  private static String literalSuffix(final String s) {
    String end = s.substring(s.lastIndexOf("]}") + 2);
    return end.isEmpty() ? null : end;
  }

  /** The text before the first token, or null when the string starts with one. */
  private static String literalPrefix(final String s) {
    int start = s.indexOf("${Token[");
    return start <= 0 ? null : s.substring(0, start);
  }

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
