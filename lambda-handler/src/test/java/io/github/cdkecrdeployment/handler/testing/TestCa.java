package io.github.cdkecrdeployment.handler.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority generated with {@code openssl} into a temp directory: a CA, a
 * server certificate for {@code 127.0.0.1}, {@code localhost} and extra host names, and a
 * token-signing certificate for registry token auth.
 *
 * <p>Files it offers: {@link #trustStore()} (PKCS12, password {@link #STORE_PASSWORD}) for {@code
 * -Djavax.net.ssl.trustStore}, {@link #certDir()} (holds {@code ca.crt}) for skopeo's {@code
 * --src-cert-dir}/{@code --dest-cert-dir}, and the server key pair as PEM and PKCS12.
 */
public final class TestCa {
  /** Password of every key store this class writes. */
  public static final String STORE_PASSWORD = "changeit";

  /** Host names every {@link #shared()} server certificate covers besides loopback. */
  public static final List<String> DEFAULT_EXTRA_HOSTS =
      List.of(
          "123456789012.dkr.ecr.us-east-1.amazonaws.com",
          "*.dkr.ecr.us-east-1.amazonaws.com",
          "public.ecr.aws",
          "registry-1.docker.io",
          "auth.docker.io",
          "registry.test");

  private static TestCa shared;

  private final Path dir;
  private final List<String> hosts;

  private TestCa(Path dir, List<String> hosts) {
    this.dir = dir;
    this.hosts = hosts;
  }

  /**
   * The CA shared by all tests in this JVM (generated once, deleted at exit), whose server
   * certificate covers 127.0.0.1, localhost and {@link #DEFAULT_EXTRA_HOSTS}.
   */
  public static synchronized TestCa shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("test-ca-");
        TestFiles.deleteOnExit(dir);
        shared = create(dir, DEFAULT_EXTRA_HOSTS);
      } catch (IOException e) {
        throw new IllegalStateException("could not create the test CA: " + e.getMessage(), e);
      }
    }
    return shared;
  }

  /**
   * Generates a new CA in {@code dir} with a server certificate for 127.0.0.1, localhost and {@code
   * extraHosts} (wildcards like {@code *.example.test} allowed).
   */
  public static TestCa create(Path dir, List<String> extraHosts) throws IOException {
    Files.createDirectories(dir);
    List<String> hosts = new ArrayList<>(List.of("localhost"));
    hosts.addAll(extraHosts);
    TestCa ca = new TestCa(dir, List.copyOf(hosts));
    ca.generate();
    return ca;
  }

  private void generate() throws IOException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-days",
        "3",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=cdk-ecr-deployment test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    StringBuilder san = new StringBuilder("subjectAltName=IP:127.0.0.1");
    for (String h : hosts) {
      san.append(",DNS:").append(h);
    }
    Files.writeString(
        dir.resolve("server.ext"),
        san
            + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth\n");
    issue("server", "/CN=localhost", "server.ext");
    Files.writeString(
        dir.resolve("token.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n");
    issue("token", "/CN=test token issuer", "token.ext");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        "server.crt",
        "-inkey",
        "server.key",
        "-name",
        "server",
        "-out",
        "server.p12",
        "-passout",
        "pass:" + STORE_PASSWORD);
    Path certDir = Files.createDirectories(dir.resolve("certs.d"));
    Files.copy(dir.resolve("ca.crt"), certDir.resolve("ca.crt"));
    try (var out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("cdk-ecr-deployment-test-ca", caCertificate());
      ks.store(out, STORE_PASSWORD.toCharArray());
    } catch (GeneralSecurityException e) {
      throw new IOException("could not write the trust store: " + e.getMessage(), e);
    }
  }

  private void issue(String name, String subject, String extFile) throws IOException {
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        subject);
    openssl(
        "x509",
        "-req",
        "-sha256",
        "-days",
        "3",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-extfile",
        extFile);
  }

  private void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "openssl is needed to create the test CA; install it with: apt-get install openssl", e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The directory holding everything. */
  public Path dir() {
    return dir;
  }

  /** The CA certificate, PEM. */
  public Path caPem() {
    return dir.resolve("ca.crt");
  }

  /**
   * A directory holding only {@code ca.crt}: skopeo's {@code --src-cert-dir}/{@code
   * --dest-cert-dir}.
   */
  public Path certDir() {
    return dir.resolve("certs.d");
  }

  /** PKCS12 trust store with the CA, password {@link #STORE_PASSWORD}. */
  public Path trustStore() {
    return dir.resolve("truststore.p12");
  }

  /** JVM options that make a child JVM trust this CA (and nothing else). */
  public List<String> trustStoreJvmArgs() {
    return List.of(
        "-Djavax.net.ssl.trustStore=" + trustStore(),
        "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD,
        "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  /**
   * Makes this JVM trust this CA (only): sets the {@code javax.net.ssl.trustStore*} properties
   * (read by jib-core's HTTP client) and the default {@link SSLContext} (used by the JDK's HTTP
   * client). Call it before creating the clients under test.
   */
  public TestCa trustInThisJvm() {
    System.setProperty("javax.net.ssl.trustStore", trustStore().toString());
    System.setProperty("javax.net.ssl.trustStorePassword", STORE_PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    SSLContext.setDefault(clientSslContext());
    return this;
  }

  /** Server certificate PEM (127.0.0.1, localhost and the extra hosts). */
  public Path serverCertPem() {
    return dir.resolve("server.crt");
  }

  /** Server private key PEM (PKCS#8). */
  public Path serverKeyPem() {
    return dir.resolve("server.key");
  }

  /** Token-signing certificate PEM, issued by the CA. */
  public Path tokenCertPem() {
    return dir.resolve("token.crt");
  }

  /** Host names in the server certificate besides 127.0.0.1. */
  public List<String> hosts() {
    return hosts;
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() throws IOException {
    return readCert(caPem());
  }

  /** The token-signing certificate. */
  public X509Certificate tokenCertificate() throws IOException {
    return readCert(tokenCertPem());
  }

  /** The token-signing private key. */
  public PrivateKey tokenKey() throws IOException {
    return readKey(dir.resolve("token.key"));
  }

  /** A client SSL context that trusts only this CA. */
  public SSLContext clientSslContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", caCertificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server SSL context presenting the server certificate. */
  public SSLContext serverSslContext() {
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, STORE_PASSWORD.toCharArray());
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, STORE_PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate readCert(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException("bad certificate " + pem + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path pem) throws IOException {
    String text = Files.readString(pem);
    if (!text.contains("BEGIN PRIVATE KEY")) {
      throw new IOException(pem + " is not a PKCS#8 PEM key");
    }
    String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException e) {
      throw new IOException("bad key " + pem + ": " + e.getMessage(), e);
    }
  }
}
