package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a user asked to copy, validated once by one set of rules for both front ends: the custom
 * resource's properties ({@code cfn.DeploymentProperties}) and the command line's arguments ({@code
 * cli.Main}) feed the same {@link Builder}; messages name what the user wrote, through {@link
 * Names}. Credentials stay as written (resolving them may need AWS calls). Immutable.
 *
 * @param source the source
 * @param sourceCreds {@code SrcCreds} / {@code --src-creds} as written, or null
 * @param destination the destination tag or digest
 * @param destinationCreds {@code DestCreds} / {@code --dest-creds} as written, or null
 * @param selection what to take from an index
 * @param archTags architecture → extra tag (only with {@link Selection.Kind#ALL})
 * @param additionalTags more destination tags for the same image
 * @param retryPolicy attempts of the whole copy
 */
public record CopyOptions(
    SourceLocation source,
    String sourceCreds,
    ImageReference destination,
    String destinationCreds,
    Selection selection,
    Map<String, String> archTags,
    List<String> additionalTags,
    RetryPolicy retryPolicy) {

  private static final Pattern ARCH = Pattern.compile("[a-z0-9_]+(/[a-z0-9_]+){0,2}");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** Copies the collections. */
  public CopyOptions {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    archTags = Map.copyOf(archTags);
    additionalTags = List.copyOf(additionalTags);
  }

  /**
   * How a front end names each input in messages.
   *
   * @param arch the architecture input, as the rule's subject
   * @param all the whole-index input, as the rule's subject
   * @param archTags the arch-tags input, as the rule's subject
   * @param setArch how to set the architecture in a fix
   * @param setAll how to set the whole-index input in a fix
   * @param removeArchTags how to remove the arch tags in a fix
   * @param allTrue how "the whole-index input is on" is written
   * @param archHint appended to an invalid-architecture message
   * @param additionalTags the additional-tags input
   * @param retry the retry input (its parts are named {@code retry + "." + key} or by flag)
   */
  public record Names(
      String arch,
      String all,
      String archTags,
      String setArch,
      String setAll,
      String removeArchTags,
      String allTrue,
      String archHint,
      String additionalTags,
      String retry) {
    /** The custom resource's property names. */
    public static final Names CLOUDFORMATION =
        new Names(
            "ImageArch",
            "CopyImageIndex",
            "ArchImageTags",
            "imageArch",
            "copyImageIndex to true",
            "archImageTags",
            "\"true\"",
            " (the imageArch prop takes one element)",
            "AdditionalTags",
            "RetryConfigs");

    /** The command line's names (the construct's prop names, with their flags in the fixes). */
    public static final Names COMMAND_LINE =
        new Names(
            "imageArch",
            "copyImageIndex",
            "archImageTags",
            "--arch",
            "--all",
            "--arch-tag",
            "true",
            " (--arch)",
            "--tag",
            "retry options");
  }

  /** A builder whose messages use {@code names}. */
  public static Builder builder(Names names) {
    return new Builder(names);
  }

  /** Collects the inputs; {@link #build()} applies every rule. */
  public static final class Builder {
    private final Names names;
    private SourceLocation source;
    private String sourceCreds;
    private ImageReference destination;
    private String destinationCreds;
    private String arch;
    private boolean all;
    private final Map<String, String> archTags = new LinkedHashMap<>();
    private final List<String> additionalTags = new ArrayList<>();
    private Integer attempts;
    private Duration baseDelay;
    private Duration maxDelay;
    private String baseText;
    private String maxText;

    private Builder(Names names) {
      this.names = names;
    }

    /** The source, parsed. */
    public Builder source(SourceLocation s) {
      this.source = s;
      return this;
    }

    /** The destination, parsed. */
    public Builder destination(ImageReference d) {
      this.destination = d;
      return this;
    }

    /** Source credentials as written, or null. */
    public Builder sourceCreds(String c) {
      this.sourceCreds = c;
      return this;
    }

    /** Destination credentials as written, or null. */
    public Builder destinationCreds(String c) {
      this.destinationCreds = c;
      return this;
    }

    /** One architecture to copy, or null. */
    public Builder arch(String a) {
      this.arch = a;
      return this;
    }

    /** Copy the whole index. */
    public Builder all(boolean a) {
      this.all = a;
      return this;
    }

    /** One architecture → extra tag. */
    public Builder archTag(String arch, String tag) {
      this.archTags.put(arch, tag);
      return this;
    }

    /** One more destination tag. */
    public Builder additionalTag(String tag) {
      this.additionalTags.add(tag);
      return this;
    }

    /** Whole-copy attempts, or null for the default (1). */
    public Builder attempts(Integer n) {
      this.attempts = n;
      return this;
    }

    /**
     * The first backoff, or null for the default.
     *
     * @param asWritten the value as the user wrote it, for messages
     */
    public Builder baseDelay(Duration d, String asWritten) {
      this.baseDelay = d;
      this.baseText = asWritten;
      return this;
    }

    /**
     * The largest backoff, or null for the default.
     *
     * @param asWritten the value as the user wrote it, for messages
     */
    public Builder maxDelay(Duration d, String asWritten) {
      this.maxDelay = d;
      this.maxText = asWritten;
      return this;
    }

    /**
     * Applies the rules.
     *
     * @throws IllegalArgumentException naming the bad input and the fix
     */
    public CopyOptions build() {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
      if (arch != null && !ARCH.matcher(arch).matches()) {
        throw new IllegalArgumentException(
            "invalid "
                + names.arch()
                + " '"
                + arch
                + "': use an architecture such as amd64, arm64 or arm/v7"
                + names.archHint());
      }
      if (arch != null && all) {
        throw new IllegalArgumentException(
            names.arch()
                + " and "
                + names.all()
                + " cannot both be set: set "
                + names.setArch()
                + " to copy one platform, or "
                + names.setAll().replace(" to true", "")
                + " to copy the whole index");
      }
      String example = "{\"arm64\":\"v1-arm64\",\"amd64\":\"v1-amd64\"}";
      for (Map.Entry<String, String> e : archTags.entrySet()) {
        String a = e.getKey();
        if (!ARCH.matcher(a).matches()) {
          throw new IllegalArgumentException(
              "invalid "
                  + names.archTags()
                  + " key '"
                  + a
                  + "': keys are architectures such as amd64, arm64 or arm/v7, e.g. "
                  + example);
        }
        PlatformMatcher.parseRequested(a);
      }
      if (!archTags.isEmpty() && !all) {
        throw new IllegalArgumentException(
            names.archTags()
                + " can only be specified when "
                + names.all()
                + " is "
                + names.allTrue()
                + ": set "
                + names.setAll()
                + " or remove "
                + names.removeArchTags());
      }
      for (String t : additionalTags) {
        if (t == null || !TAG.matcher(t).matches()) {
          throw new IllegalArgumentException(
              "invalid "
                  + names.additionalTags()
                  + " entry '"
                  + t
                  + "': it is not a tag; use tags such as v1 or latest"
                  + " ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        }
      }
      Selection selection =
          all ? Selection.all() : arch != null ? Selection.arch(arch) : Selection.defaultPlatform();
      return new CopyOptions(
          source,
          sourceCreds,
          destination,
          destinationCreds,
          selection,
          archTags,
          additionalTags,
          retryPolicy());
    }

    /**
     * Unset delays take the defaults (1 s, 30 s), each moved to the other when only one is given
     * and it lies past the default: {@code maxDelay 0.5} alone means 0.5 s for both.
     */
    private RetryPolicy retryPolicy() {
      if (attempts == null && baseDelay == null && maxDelay == null) {
        return RetryPolicy.NONE;
      }
      Duration defBase = RetryPolicy.NONE.baseDelay();
      Duration defMax = RetryPolicy.NONE.maxDelay();
      Duration base = baseDelay;
      Duration max = maxDelay;
      if (base == null) {
        base = max != null && max.compareTo(defBase) < 0 ? max : defBase;
      }
      if (max == null) {
        max = base.compareTo(defMax) > 0 ? base : defMax;
      }
      if (base.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "invalid "
                + names.retry()
                + ": baseDelay "
                + baseText
                + " is greater than maxDelay "
                + maxText
                + "; make baseDelay at most maxDelay (seconds)");
      }
      int n = attempts == null ? 1 : attempts;
      if (n < 1) {
        throw new IllegalArgumentException(
            "invalid "
                + names.retry()
                + ".numAttempts "
                + n
                + ": it must be an integer of at least 1 (attempts of the whole copy)");
      }
      return new RetryPolicy(n, base, max);
    }
  }
}
