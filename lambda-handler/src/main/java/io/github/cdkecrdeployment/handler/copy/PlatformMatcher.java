package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one platform rule set of every source. A requested platform is {@code arch}, {@code
 * arch/variant} or {@code os/arch[/variant]} (os defaults to linux; aliases {@code x86_64}/{@code
 * x86-64} → amd64, {@code aarch64} → arm64). Matching is variant-aware: {@code arm64} ≡ {@code
 * arm64/v8}; a request without a variant accepts any variant and prefers the canonical one ({@code
 * arm64/v8}, {@code arm/v7}).
 *
 * @param os the operating system
 * @param arch the normalised architecture
 * @param variant the variant, or null for any
 */
public record PlatformMatcher(String os, String arch, String variant) {
  /** linux/amd64: what is copied from an index when no architecture is asked for. */
  public static final PlatformMatcher DEFAULT = new PlatformMatcher("linux", "amd64", null);

  /**
   * Parses a requested platform.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  public static PlatformMatcher parseRequested(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    String[] p = v.split("/");
    if (p.length == 0 || p[0].isEmpty() || p.length > 3) {
      throw new IllegalArgumentException(
          "invalid architecture '" + value + "': use e.g. amd64, arm64, arm/v7 or linux/arm64");
    }
    if (p.length == 3 || (p.length == 2 && p[0].equals("linux"))) {
      return new PlatformMatcher(p[0], normalizeArch(p[1]), p.length == 3 ? p[2] : null);
    }
    return new PlatformMatcher("linux", normalizeArch(p[0]), p.length == 2 ? p[1] : null);
  }

  /** The matcher for a selection: its architecture, or linux/amd64. */
  public static PlatformMatcher of(Selection selection) {
    return selection.kind() == Selection.Kind.ARCH ? parseRequested(selection.arch()) : DEFAULT;
  }

  private static String normalizeArch(String a) {
    return switch (a) {
      case "x86_64", "x86-64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> a;
    };
  }

  /** True when a descriptor's {@code platform} (or an image config) is this platform. */
  public boolean matches(JsonNode platform) {
    String pOs = platform.path("os").asText("");
    String pArch = normalizeArch(platform.path("architecture").asText(""));
    String pVar = platform.path("variant").asText("");
    if (!os.equals(pOs) || !arch.equals(pArch)) {
      return false;
    }
    if (variant == null) {
      return true;
    }
    return canonical(arch, variant).equals(canonical(pArch, pVar.isEmpty() ? null : pVar));
  }

  private boolean prefers(JsonNode descriptor) {
    String pVar = descriptor.path("platform").path("variant").asText("");
    String want = variant != null ? variant : defaultVariant(arch);
    return canonical(arch, want).equals(canonical(arch, pVar.isEmpty() ? null : pVar));
  }

  /**
   * The index child for this platform: among the matches, the canonical variant first.
   *
   * @param manifests the index's {@code manifests} array
   * @param source names the source in the error
   * @throws CopyException listing the platforms the index offers
   */
  public JsonNode choose(JsonNode manifests, String source) throws CopyException {
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode d : manifests) {
      if (matches(d.path("platform"))) {
        candidates.add(d);
      }
    }
    if (candidates.isEmpty()) {
      List<String> have = new ArrayList<>();
      for (JsonNode d : manifests) {
        String p = describe(d);
        if (!p.startsWith("unknown/") && !have.contains(p)) {
          have.add(p);
        }
      }
      throw new CopyException(
          source
              + " has no "
              + this
              + " image; its index offers "
              + (have.isEmpty() ? "no platforms" : String.join(", ", have))
              + " — set ImageArch (--arch) to one of them, or CopyImageIndex (--all)",
          null,
          null);
    }
    return candidates.stream().filter(this::prefers).findFirst().orElse(candidates.get(0));
  }

  /** {@code os/arch[/variant]} of a descriptor or an image config. */
  public static String describe(JsonNode descriptorOrConfig) {
    JsonNode p =
        descriptorOrConfig.has("platform")
            ? descriptorOrConfig.path("platform")
            : descriptorOrConfig;
    String s = p.path("os").asText("?") + "/" + p.path("architecture").asText("?");
    String v = p.path("variant").asText("");
    return v.isEmpty() ? s : s + "/" + v;
  }

  private static String defaultVariant(String arch) {
    return switch (arch) {
      case "arm64" -> "v8";
      case "arm" -> "v7";
      default -> null;
    };
  }

  private static String canonical(String arch, String variant) {
    if (variant == null) {
      return arch.equals("arm64") ? "v8" : "";
    }
    return variant;
  }

  @Override
  public String toString() {
    return os + "/" + arch + (variant != null ? "/" + variant : "");
  }
}
