package io.github.cdkecrdeployment.handler.copy;

import java.util.Objects;

/**
 * What to take from a source that is an index: the linux/amd64 child (default), another
 * architecture's child, or everything.
 *
 * @param kind which of the three
 * @param arch the architecture for {@link Kind#ARCH} (e.g. {@code arm64}, {@code arm/v7}), else
 *     null
 */
public record Selection(Kind kind, String arch) {
  /** The three selections. */
  public enum Kind {
    /** linux/amd64 child of an index; a single manifest as is. */
    DEFAULT,
    /** The child for {@link #arch()}. */
    ARCH,
    /** The whole index and every manifest it references. */
    ALL
  }

  /** Checks that arch is given exactly for {@link Kind#ARCH}. */
  public Selection {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.ARCH) != (arch != null && !arch.isBlank())) {
      throw new IllegalArgumentException("an architecture is needed exactly for ARCH selections");
    }
  }

  /** The default: linux/amd64. */
  public static Selection defaultPlatform() {
    return new Selection(Kind.DEFAULT, null);
  }

  /** One architecture, e.g. {@code arm64}. */
  public static Selection arch(String arch) {
    return new Selection(Kind.ARCH, arch);
  }

  /** The whole index. */
  public static Selection all() {
    return new Selection(Kind.ALL, null);
  }
}
