package io.github.cdkecrdeployment.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerAssetTest {
  private static byte[] bundled;
  private static String sha256;

  @TempDir Path dir;

  @BeforeAll
  static void readBundledJar() throws IOException, NoSuchAlgorithmException {
    try (InputStream in = HandlerAsset.class.getResourceAsStream(HandlerAsset.RESOURCE)) {
      bundled = in.readAllBytes();
    }
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundled));
  }

  @Test
  void theJarIsWrittenUnderItsContentDigest() throws IOException {
    Path written = HandlerAsset.write(dir);

    assertEquals(
        dir.resolve("cdk-ecr-deployment-handler").resolve(sha256).resolve("handler.jar"), written);
    assertArrayEquals(bundled, Files.readAllBytes(written));
    // The bundled resource is the shaded handler (it has the handler's manifest), not a stub.
    assertTrue(bundled.length > 1_000_000, "handler.jar has only " + bundled.length + " bytes");
    try (Stream<Path> files = Files.list(written.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void anIntactFileIsReusedAndADamagedOneReplaced() throws IOException {
    Path written = HandlerAsset.write(dir);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(written, old);

    assertEquals(written, HandlerAsset.write(dir));
    assertEquals(old, Files.getLastModifiedTime(written), "an intact file is not rewritten");

    Files.write(written, new byte[] {1, 2, 3});
    assertEquals(written, HandlerAsset.write(dir));
    assertArrayEquals(bundled, Files.readAllBytes(written));
  }

  @Test
  void theJarIsWrittenIntoTheGivenCloudAssemblyAndItsPathIsStable(@TempDir Path other) {
    Path first = HandlerAsset.path(dir);
    assertEquals(first, HandlerAsset.path(dir));
    assertTrue(first.startsWith(dir), first::toString);
    // Another cloud assembly (another user's cdk.out) gets its own file, never a shared one.
    Path second = HandlerAsset.path(other);
    assertTrue(second.startsWith(other), second::toString);
  }

  @Test
  void aFileDeletedAfterTheFirstSynthIsWrittenAgain() throws IOException {
    Path first = HandlerAsset.path(dir);
    Files.delete(first);
    assertEquals(first, HandlerAsset.path(dir));
    assertArrayEquals(bundled, Files.readAllBytes(first));
  }

  @Test
  void aFailureSaysWhichOperationFailedOnWhichPath() throws IOException {
    // A regular file where the directory must go: creating the directory is what fails.
    Files.writeString(dir.resolve("cdk-ecr-deployment-handler"), "not a directory");

    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> HandlerAsset.write(dir));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot create the directory "
                    + dir.resolve("cdk-ecr-deployment-handler").resolve(sha256)
                    + " for the Lambda handler jar: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("is writable by this user"), e.getMessage());
  }

  @Test
  void theIoWrapperNamesTheOperationAndTheCause() {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                HandlerAsset.io(
                    () -> {
                      throw new java.nio.file.AccessDeniedException("/x/handler.jar");
                    },
                    "cannot read the existing /x/handler.jar"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot read the existing /x/handler.jar: AccessDeniedException /x/handler.jar;"),
        e.getMessage());
  }
}
