package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one copy needs, already parsed and resolved. Immutable; build with {@link
 * #builder(SourceLocation, ImageReference)}.
 */
public final class CopyRequest {
  private final SourceLocation source;
  private final Credential sourceCredential;
  private final ImageReference destination;
  private final Credential destinationCredential;
  private final Selection selection;
  private final Map<String, String> archTags;
  private final List<String> additionalTags;
  private final int parallelism;
  private final RetryPolicy retryPolicy;
  private final Deadline deadline;
  private final boolean sourceTlsVerify;
  private final boolean destinationTlsVerify;
  private final CopyListener listener;

  private CopyRequest(Builder b) {
    this.source = b.source;
    this.sourceCredential = b.sourceCredential;
    this.destination = b.destination;
    this.destinationCredential = b.destinationCredential;
    this.selection = b.selection;
    this.archTags = Map.copyOf(b.archTags);
    this.additionalTags = List.copyOf(b.additionalTags);
    this.parallelism = b.parallelism;
    this.retryPolicy = b.retryPolicy;
    this.deadline = b.deadline;
    this.sourceTlsVerify = b.sourceTlsVerify;
    this.destinationTlsVerify = b.destinationTlsVerify;
    this.listener = b.listener;
  }

  /** Starts a request from a source to a destination tag (or digest). */
  public static Builder builder(SourceLocation source, ImageReference destination) {
    return new Builder(source, destination);
  }

  /** The source. */
  public SourceLocation source() {
    return source;
  }

  /** Source credential, or null for anonymous. */
  public Credential sourceCredential() {
    return sourceCredential;
  }

  /** The destination image (tag or digest). */
  public ImageReference destination() {
    return destination;
  }

  /** Destination credential, or null for anonymous. */
  public Credential destinationCredential() {
    return destinationCredential;
  }

  /** What to take from an index; default linux/amd64. */
  public Selection selection() {
    return selection;
  }

  /** Architecture → extra destination tag (only with {@link Selection.Kind#ALL}); default empty. */
  public Map<String, String> archTags() {
    return archTags;
  }

  /**
   * More destination tags for the selected top manifest, pushed after the main tag (tags already at
   * the digest are skipped); default empty.
   */
  public List<String> additionalTags() {
    return additionalTags;
  }

  /** Blobs copied at once; default 4. */
  public int parallelism() {
    return parallelism;
  }

  /** Attempts of the whole copy; default {@link RetryPolicy#NONE}. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** When to give up; default none. */
  public Deadline deadline() {
    return deadline;
  }

  /** Verify the source's TLS certificate; default true. */
  public boolean sourceTlsVerify() {
    return sourceTlsVerify;
  }

  /** Verify the destination's TLS certificate; default true. */
  public boolean destinationTlsVerify() {
    return destinationTlsVerify;
  }

  /** Progress events; default does nothing. */
  public CopyListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    // Credentials print redacted through Credential#toString.
    return "CopyRequest[" + source + " -> docker://" + destination + ", " + selection + "]";
  }

  /** Builder for {@link CopyRequest}. */
  public static final class Builder {
    private final SourceLocation source;
    private final ImageReference destination;
    private Credential sourceCredential;
    private Credential destinationCredential;
    private Selection selection = Selection.defaultPlatform();
    private final Map<String, String> archTags = new LinkedHashMap<>();
    private final List<String> additionalTags = new ArrayList<>();
    private int parallelism = 4;
    private RetryPolicy retryPolicy = RetryPolicy.NONE;
    private Deadline deadline = Deadline.none();
    private boolean sourceTlsVerify = true;
    private boolean destinationTlsVerify = true;
    private CopyListener listener = CopyListener.NONE;

    private Builder(SourceLocation source, ImageReference destination) {
      this.source = Objects.requireNonNull(source, "source");
      this.destination = Objects.requireNonNull(destination, "destination");
    }

    /** Source credential (null: anonymous). */
    public Builder sourceCredential(Credential c) {
      this.sourceCredential = c;
      return this;
    }

    /** Destination credential (null: anonymous). */
    public Builder destinationCredential(Credential c) {
      this.destinationCredential = c;
      return this;
    }

    /** What to take from an index. */
    public Builder selection(Selection s) {
      this.selection = Objects.requireNonNull(s, "selection");
      return this;
    }

    /** Architecture → extra tag. */
    public Builder archTags(Map<String, String> tags) {
      this.archTags.clear();
      this.archTags.putAll(Objects.requireNonNull(tags, "archTags"));
      return this;
    }

    /** More tags for the selected top manifest, pushed after the main tag. */
    public Builder additionalTags(List<String> tags) {
      this.additionalTags.clear();
      this.additionalTags.addAll(Objects.requireNonNull(tags, "additionalTags"));
      return this;
    }

    /** Blobs at once, at least 1. */
    public Builder parallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
      }
      this.parallelism = n;
      return this;
    }

    /** Whole-copy retry. */
    public Builder retryPolicy(RetryPolicy p) {
      this.retryPolicy = Objects.requireNonNull(p, "retryPolicy");
      return this;
    }

    /** Deadline. */
    public Builder deadline(Deadline d) {
      this.deadline = Objects.requireNonNull(d, "deadline");
      return this;
    }

    /** Source TLS verification (command line only may turn it off). */
    public Builder sourceTlsVerify(boolean v) {
      this.sourceTlsVerify = v;
      return this;
    }

    /** Destination TLS verification (command line only may turn it off). */
    public Builder destinationTlsVerify(boolean v) {
      this.destinationTlsVerify = v;
      return this;
    }

    /** Progress listener. */
    public Builder listener(CopyListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** Builds it; checks that archTags are only used with {@link Selection.Kind#ALL}. */
    public CopyRequest build() {
      if (!archTags.isEmpty() && selection.kind() != Selection.Kind.ALL) {
        throw new IllegalArgumentException(
            "archImageTags can only be specified when copyImageIndex is true");
      }
      return new CopyRequest(this);
    }
  }
}
