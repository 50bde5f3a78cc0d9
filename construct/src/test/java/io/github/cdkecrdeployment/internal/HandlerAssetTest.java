package io.github.cdkecrdeployment.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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

    assertEquals(dir.resolve("cdk-ecr-deployment-" + sha256).resolve("handler.jar"), written);
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
  void thePathUnderTheTemporaryDirectoryIsStable() {
    Path first = HandlerAsset.path();
    assertEquals(first, HandlerAsset.path());
    assertTrue(first.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), first::toString);
    assertTrue(first.toString().contains(sha256), first::toString);
  }
}
