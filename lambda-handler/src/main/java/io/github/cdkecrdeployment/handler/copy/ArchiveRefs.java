package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/** How an archive's images are named and picked by an {@code S3ArchiveName} ref. */
final class ArchiveRefs {
  private ArchiveRefs() {}

  /**
   * The image {@code ref} picks among an archive's {@code count} images: the only one when ref is
   * null, {@code @N} by position, else the first that {@code matches}.
   */
  static int pick(
      String uri, String ref, int count, String list, String example, IntPredicate matches)
      throws ArchiveException {
    if (ref == null) {
      if (count > 1) {
        throw new ArchiveException(
            uri
                + " holds "
                + count
                + " images ("
                + list
                + "); pick one with S3ArchiveName's ref, e.g. s3://…:"
                + example,
            true,
            null);
      }
      return 0;
    }
    if (ref.startsWith("@")) {
      return index(ref, count, uri, list);
    }
    for (int i = 0; i < count; i++) {
      if (matches.test(i)) {
        return i;
      }
    }
    throw unknownRef(uri, ref, list);
  }

  static int index(String ref, int count, String uri, String list) throws ArchiveException {
    try {
      int i = Integer.parseInt(ref.substring(1));
      if (i >= 0 && i < count) {
        return i;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new ArchiveException(
        uri
            + " has no image "
            + ref
            + ": it holds "
            + count
            + " ("
            + list
            + "); use @0 to @"
            + (count - 1)
            + " or a tag",
        true,
        null);
  }

  static ArchiveException unknownRef(String uri, String ref, String list) {
    return new ArchiveException(
        uri + " has no image '" + ref + "'; it holds " + list + "; use one of those or @N",
        true,
        null);
  }

  static ArchiveException bad(String uri, String what) {
    return new ArchiveException(
        uri
            + " is not a usable image archive: "
            + what
            + "; upload the unmodified output of docker save or an OCI archive",
        true,
        null);
  }

  static String listDockerSave(JsonNode manifest) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < manifest.size(); i++) {
      JsonNode tags = manifest.get(i).path("RepoTags");
      List<String> t = new ArrayList<>();
      tags.forEach(x -> t.add(x.asText()));
      names.add("@" + i + ": " + (t.isEmpty() ? "untagged" : String.join(" ", t)));
    }
    return String.join(", ", names);
  }

  static String firstName(JsonNode manifest) {
    JsonNode tags = manifest.get(0).path("RepoTags");
    return tags.isArray() && !tags.isEmpty() ? tags.get(0).asText() : "@0";
  }

  static String listOci(JsonNode manifests) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      names.add(describeOci(manifests.get(i), i));
    }
    return String.join(", ", names);
  }

  static String describeOci(JsonNode desc, int i) {
    JsonNode a = desc.path("annotations");
    String n =
        a.path("io.containerd.image.name")
            .asText(a.path("org.opencontainers.image.ref.name").asText(null));
    return "@" + i + ": " + (n != null ? n : desc.path("digest").asText("untagged"));
  }

  static ImageReference normalise(String ref) throws ArchiveException {
    try {
      return ImageReference.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new ArchiveException(
          "invalid archive image ref '" + ref + "': use a tag such as app:latest, or @N",
          true,
          null);
    }
  }

  static ImageReference normaliseOrNull(String ref) {
    try {
      return ImageReference.parse(ref);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static boolean sameTagged(ImageReference a, ImageReference b) {
    return a.registry().equals(b.registry())
        && a.repository().equals(b.repository())
        && java.util.Objects.equals(a.tag(), b.tag());
  }

  static String stripDot(String path) {
    String p = path;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    return p;
  }

  /** {@code blobs/<alg>/<hex>} for a digest. */
  static String blobPath(String digest) {
    int colon = digest.indexOf(':');
    return colon < 0
        ? "blobs/" + digest
        : "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
  }

  /** UTF-8 bytes. */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Lower-case ASCII. */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
