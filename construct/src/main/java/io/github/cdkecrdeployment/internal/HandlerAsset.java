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
import java.util.HexFormat;

/**
 * Writes the Lambda handler jar that this library carries as a classpath resource to a file, so CDK
 * can use it as an asset.
 *
 * <p>The file lives at {@code <dir>/cdk-ecr-deployment-<sha256>/handler.jar}: the path names the
 * content, so every CDK app on the machine that uses the same library version shares one file, and
 * a new version never sees an old jar. It is written to a temporary file in the same directory and
 * moved into place atomically, so a concurrent synth never reads half a jar; an existing file is
 * reused only when its content has the expected digest. The CDK asset hash depends on the content
 * only, never on this path.
 */
public final class HandlerAsset {
  /** The classpath resource, relative to this class, that holds the shaded handler jar. */
  static final String RESOURCE = "handler.jar";

  private static Path cachedPath;
  private static long cachedSize;

  private HandlerAsset() {}

  /**
   * Returns the path of the handler jar under {@code java.io.tmpdir}, writing it when it is
   * missing.
   *
   * @return the path of a regular file holding the handler jar
   * @throws IllegalStateException when the library jar lacks the handler jar resource
   * @throws UncheckedIOException when the file cannot be written
   */
  public static synchronized Path path() {
    // Writing costs a read of the resource; later calls in the same JVM only check the file is
    // still
    // there with the right size (a temporary-file cleaner may have removed it).
    if (cachedPath != null && Files.isRegularFile(cachedPath) && size(cachedPath) == cachedSize) {
      return cachedPath;
    }
    cachedPath = write(Path.of(System.getProperty("java.io.tmpdir")));
    cachedSize = size(cachedPath);
    return cachedPath;
  }

  /**
   * Writes the handler jar under {@code dir} unless an identical file is already there.
   *
   * @param dir the directory to create {@code cdk-ecr-deployment-<sha256>} in
   * @return the path of the handler jar
   */
  static Path write(final Path dir) {
    String digest = sha256(HandlerAsset::openResource);
    Path target = dir.resolve("cdk-ecr-deployment-" + digest).resolve("handler.jar");
    if (Files.isRegularFile(target) && digest.equals(sha256(() -> Files.newInputStream(target)))) {
      return target;
    }
    return io(
        target,
        () -> {
          Files.createDirectories(target.getParent());
          Path tmp = Files.createTempFile(target.getParent(), "handler-", ".jar.tmp");
          try (InputStream in = openResource();
              OutputStream out = Files.newOutputStream(tmp)) {
            in.transferTo(out);
          }
          String written = sha256(() -> Files.newInputStream(tmp));
          if (!digest.equals(written)) {
            Files.deleteIfExists(tmp);
            throw new IOException("content changed while writing (sha256 " + written + ")");
          }
          return Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });
  }

  private static InputStream openResource() throws IOException {
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

  private static long size(final Path file) {
    return io(file, () -> Files.size(file));
  }

  private static String sha256(final StreamSource source) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest javadoc).
      throw new IllegalStateException("this JVM provides no SHA-256", e);
    }
    return io(
        null,
        () -> {
          try (InputStream in = new DigestInputStream(source.open(), md)) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          return HexFormat.of().formatHex(md.digest());
        });
  }

  /** Runs file I/O, turning an {@link IOException} into an unchecked one that names the file. */
  private static <T> T io(final Path file, final IoAction<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      String where = file == null ? "the Lambda handler jar" : file.toString();
      throw new UncheckedIOException(
          "cannot write the Lambda handler jar ("
              + where
              + "): "
              + e.getMessage()
              + "; make java.io.tmpdir a writable directory with free space",
          e);
    }
  }

  @FunctionalInterface
  private interface StreamSource {
    InputStream open() throws IOException;
  }

  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }
}
