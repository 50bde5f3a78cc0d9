package io.github.cdkecrdeployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes the Lambda handler jar that this library carries as a classpath resource to a file, so CDK
 * can use it as an asset.
 *
 * <p>The file lives in the cloud assembly being synthesized, at {@code
 * <outdir>/cdk-ecr-deployment-handler/<sha256>/handler.jar}. The cloud assembly belongs to the user
 * who synthesizes, so several OS users on one machine never share (or fight over) a file, as they
 * did under a shared {@code java.io.tmpdir}; and nothing is left behind outside it. The path names
 * the content, so a new library version never sees an old jar. It is written to a temporary file in
 * the same directory and moved into place atomically, so a concurrent synth never reads half a jar;
 * an existing file is reused only when its content has the expected digest. The CDK asset hash
 * depends on the content only, never on this path.
 */
public final class HandlerAsset {
  /** The classpath resource, relative to this class, that holds the shaded handler jar. */
  static final String RESOURCE = "handler.jar";

  /** The directory, under the cloud assembly, that holds the written jars. */
  static final String DIRECTORY = "cdk-ecr-deployment-handler";

  /** The files this JVM wrote, by directory, and their sizes. */
  private static final Map<Path, Path> WRITTEN = new HashMap<>();

  private static final Map<Path, Long> SIZES = new HashMap<>();

  private static String resourceDigest;

  private HandlerAsset() {}

  /**
   * Returns the path of the handler jar in a cloud assembly directory, writing it when it is
   * missing.
   *
   * @param outdir the cloud assembly's asset directory ({@code Stage.getAssetOutdir()})
   * @return the path of a regular file holding the handler jar
   * @throws IllegalStateException when the library jar lacks the handler jar resource
   * @throws UncheckedIOException when the resource cannot be read or the file cannot be written,
   *     saying which
   */
  public static synchronized Path path(final Path outdir) {
    Path dir = outdir.toAbsolutePath().normalize();
    Path known = WRITTEN.get(dir);
    // A repeated synth in one JVM only checks the file is still there with its size.
    if (known != null && Files.isRegularFile(known) && sizeOrMinusOne(known) == SIZES.get(known)) {
      return known;
    }
    Path written = write(dir);
    WRITTEN.put(dir, written);
    SIZES.put(written, sizeOrMinusOne(written));
    return written;
  }

  /**
   * Writes the handler jar under {@code dir} unless an identical file is already there.
   *
   * @param dir the directory to create {@code cdk-ecr-deployment-handler/<sha256>} in
   * @return the path of the handler jar
   */
  static Path write(final Path dir) {
    String digest = resourceDigest();
    Path target = dir.resolve(DIRECTORY).resolve(digest).resolve("handler.jar");
    if (Files.isRegularFile(target)
        && digest.equals(
            sha256(() -> Files.newInputStream(target), "cannot read the existing " + target))) {
      return target;
    }
    Path parent = target.getParent();
    io(
        () -> Files.createDirectories(parent),
        "cannot create the directory " + parent + " for the Lambda handler jar");
    Path tmp =
        io(
            () -> Files.createTempFile(parent, "handler-", ".jar.tmp"),
            "cannot create a temporary file in " + parent);
    try {
      io(
          () -> {
            try (InputStream in = openResource();
                OutputStream out = Files.newOutputStream(tmp)) {
              return in.transferTo(out);
            }
          },
          "cannot write the Lambda handler jar to " + tmp);
      String written = sha256(() -> Files.newInputStream(tmp), "cannot read back " + tmp);
      if (!digest.equals(written)) {
        throw new UncheckedIOException(
            new IOException(
                "the Lambda handler jar written to "
                    + tmp
                    + " has sha256 "
                    + written
                    + ", not "
                    + digest
                    + ": the disk or another process changed it; synthesize again"));
      }
      return io(
          () ->
              Files.move(
                  tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING),
          "cannot move " + tmp + " to " + target);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Only a leftover temporary file in the cloud assembly; the synth result is unaffected.
      }
    }
  }

  private static synchronized String resourceDigest() {
    if (resourceDigest == null) {
      resourceDigest =
          sha256(
              HandlerAsset::openResource,
              "cannot read the Lambda handler jar bundled in the cdk-ecr-deployment library");
    }
    return resourceDigest;
  }

  private static InputStream openResource() {
    InputStream in = HandlerAsset.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(
          "the Lambda handler jar is missing from the classpath (resource "
              + HandlerAsset.class.getPackageName().replace('.', '/')
              + "/"
              + RESOURCE
              + "): depend on the cdk-ecr-deployment jar built by Maven, which bundles it");
    }
    return in;
  }

  private static long sizeOrMinusOne(final Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static String sha256(final StreamSource source, final String failure) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest javadoc).
      throw new IllegalStateException("this JVM provides no SHA-256", e);
    }
    return io(
        () -> {
          try (InputStream in = new DigestInputStream(source.open(), md)) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          return HexFormat.of().formatHex(md.digest());
        },
        failure);
  }

  /**
   * Runs file I/O, turning an {@link IOException} into an unchecked one that says which operation
   * failed on which file.
   */
  static <T> T io(final IoAction<T> action, final String failure) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(
          failure
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage())
              + "; check that the cloud assembly directory (the app's outdir, cdk.out by default)"
              + " is writable by this user and has free space",
          e);
    }
  }

  @FunctionalInterface
  interface StreamSource {
    InputStream open() throws IOException;
  }

  @FunctionalInterface
  interface IoAction<T> {
    T run() throws IOException;
  }
}
