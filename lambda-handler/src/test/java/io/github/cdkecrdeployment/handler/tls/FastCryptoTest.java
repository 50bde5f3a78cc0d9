package io.github.cdkecrdeployment.handler.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FastCryptoTest {
  private static final String NAME = "AmazonCorrettoCryptoProvider";
  private Provider installedElsewhere;
  private List<String> before;

  /** Other tests in this JVM may have installed the provider through the handler: set it aside. */
  @BeforeEach
  void isolateProviders() {
    installedElsewhere = Security.getProvider(NAME);
    Security.removeProvider(NAME);
    before = names();
  }

  @AfterEach
  void restoreProviders() {
    Security.removeProvider(NAME);
    assertEquals(before, names());
    if (installedElsewhere != null) {
      Security.insertProviderAt(installedElsewhere, 1);
    }
  }

  @Test
  void mapsTheTwoLambdaArchitecturesAndNothingElse() {
    assertEquals(
        "META-INF/accp/linux-x86_64/" + FastCrypto.LIBRARY,
        FastCrypto.nativeResource("Linux", "amd64"));
    assertEquals(
        "META-INF/accp/linux-aarch_64/" + FastCrypto.LIBRARY,
        FastCrypto.nativeResource("Linux", "aarch64"));
    assertNull(FastCrypto.nativeResource("Linux", "ppc64le"));
    assertNull(FastCrypto.nativeResource("Mac OS X", "aarch64"));
  }

  @Test
  void bundlesTheLibraryOfEachArchitecture() throws IOException {
    // ELF e_machine: 0x3e x86-64, 0xb7 AArch64.
    assertEquals(0x3e, elfMachine(FastCrypto.nativeResource("Linux", "amd64")));
    assertEquals(0xb7, elfMachine(FastCrypto.nativeResource("Linux", "aarch64")));
  }

  @Test
  void installsFirstAndInteroperatesWithTheJdksAesGcm() throws Exception {
    String resource =
        FastCrypto.nativeResource(System.getProperty("os.name"), System.getProperty("os.arch"));
    if (resource == null || elfMachine(resource) != hostMachine()) {
      // No build for this host (only Lambda's Linux x86_64 and aarch64 have one): the JDK's
      // providers stay, and the result says why.
      FastCrypto.Result none = FastCrypto.install(resource, getClass().getClassLoader());
      assertFalse(none.active(), none.detail());
      assertTrue(none.detail().startsWith("JDK crypto"), none.detail());
      assertEquals(before, names());
      return;
    }
    FastCrypto.Result r = FastCrypto.install(resource, getClass().getClassLoader());
    assertTrue(r.active(), r.detail());
    assertEquals(NAME, Security.getProviders()[0].getName());
    Cipher fast = Cipher.getInstance("AES/GCM/NoPadding");
    assertEquals(NAME, fast.getProvider().getName());

    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    GCMParameterSpec iv = new GCMParameterSpec(128, new byte[12]);
    byte[] plain = "a TLS record's worth of bytes".getBytes(StandardCharsets.UTF_8);
    fast.init(Cipher.ENCRYPT_MODE, key, iv);
    byte[] sealed = fast.doFinal(plain);
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    jdk.init(Cipher.DECRYPT_MODE, key, iv);
    assertArrayEquals(plain, jdk.doFinal(sealed));
  }

  @Test
  void aMissingLibraryLeavesTheJdkProviders() {
    FastCrypto.Result r =
        FastCrypto.install("META-INF/accp/linux-s390x/x.so", getClass().getClassLoader());
    assertFalse(r.active());
    assertTrue(r.detail().contains("META-INF/accp/linux-s390x/x.so"), r.detail());
    assertEquals(before, names());
  }

  @Test
  void aLibraryThatDoesNotLoadLeavesTheJdkProviders() throws IOException {
    String other =
        FastCrypto.nativeResource(
            "Linux", hostMachine() == 0x3e ? "aarch64" : "amd64"); // the other architecture
    FastCrypto.Result r = FastCrypto.install(other, getClass().getClassLoader());
    assertFalse(r.active(), r.detail());
    assertTrue(r.detail().startsWith("JDK crypto (AWS-LC"), r.detail());
    assertEquals(before, names());
    assertEquals("SunJCE", cipherProvider());
  }

  @Test
  void noBuildForThisPlatformSaysSo() {
    FastCrypto.Result r = FastCrypto.install(null, getClass().getClassLoader());
    assertFalse(r.active());
    assertTrue(r.detail().startsWith("JDK crypto (no AWS-LC build for"), r.detail());
  }

  private static String cipherProvider() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int hostMachine() {
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> 0x3e;
      case "aarch64" -> 0xb7;
      default -> -1;
    };
  }

  private static int elfMachine(String resource) throws IOException {
    try (InputStream in = FastCryptoTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is not on the class path");
      byte[] h = in.readNBytes(20);
      assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(h, 4));
      return (h[18] & 0xff) | (h[19] & 0xff) << 8;
    }
  }

  private static List<String> names() {
    return Arrays.stream(Security.getProviders()).map(Provider::getName).toList();
  }
}
