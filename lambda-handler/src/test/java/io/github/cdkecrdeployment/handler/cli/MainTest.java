package io.github.cdkecrdeployment.handler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line, in-process and in a child JVM that trusts the test CA via trustStore. */
class MainTest {
  @RegisterExtension static final RegistryExtension SRC = RegistryExtension.token();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.basic();
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

  private static final TestImages GEN = new TestImages(31);
  private static Node amd64;
  private static Node index;

  @BeforeAll
  static void images() throws Exception {
    TestCa.shared().trustInThisJvm();
    amd64 = GEN.image(Format.OCI, "linux/amd64").layers(120_000, 3_000).build();
    Node arm64 = GEN.image(Format.OCI, "linux/arm64/v8").layers(50_000).build();
    index = GEN.index(Format.OCI, amd64, arm64).attestations().build();
    GEN.push(SRC.server().http(), "cli/app", "1.0", index);
  }

  private record Run(int code, String out, String err) {
    String lastOutLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String src(String ref) {
    return "docker://" + SRC.server().host() + "/" + ref;
  }

  private static String dest(String ref) {
    return "docker://" + DEST.server().host() + "/" + ref;
  }

  @Test
  void copiesPrintingProgressAndTheDigestLast() throws Exception {
    Run r =
        run(
            "copy",
            "--dest-creds",
            DEST.server().credentialString(),
            src("cli/app:1.0"),
            dest("cli/default:v1"));
    assertEquals(0, r.code(), r.err());
    assertEquals(amd64.digest(), r.lastOutLine());
    assertTrue(r.err().contains("blob " + amd64.blobs().get(1).digest()), r.err());
    assertTrue(r.err().contains(" copied in "), r.err());
    assertEquals(amd64.digest(), Skopeo.digest(DEST.server(), "cli/default:v1"));
    Run again =
        run(
            "copy",
            "--dest-creds=" + DEST.server().credentialString(),
            src("cli/app:1.0"),
            dest("cli/default:v1"));
    assertEquals(0, again.code(), again.err());
    assertEquals(amd64.digest(), again.lastOutLine());
    assertTrue(again.err().contains("already"), again.err());
  }

  @Test
  void allWithArchTagsAndArch() throws Exception {
    Run r =
        run(
            "copy",
            "--all",
            "--arch-tag",
            "arm64=v1-arm64",
            "--dest-creds",
            DEST.server().credentialString(),
            "--retry-attempts",
            "2",
            "--retry-base-delay",
            "0.1",
            "--retry-max-delay",
            "1",
            src("cli/app:1.0"),
            dest("cli/all:v1"));
    assertEquals(0, r.code(), r.err());
    assertEquals(index.digest(), r.lastOutLine());
    assertEquals(
        index.child("linux/arm64/v8").digest(), Skopeo.digest(DEST.server(), "cli/all:v1-arm64"));
    Run arm =
        run(
            "copy",
            "--arch=arm64",
            "--dest-creds",
            DEST.server().credentialString(),
            src("cli/app:1.0"),
            dest("cli/arm:v1"));
    assertEquals(0, arm.code(), arm.err());
    assertEquals(index.child("linux/arm64/v8").digest(), arm.lastOutLine());
  }

  @Test
  void retryOptionsFollowTheSameRulesAsRetryConfigs() throws Exception {
    // RetryConfigs {"maxDelay":0.5} is valid: base delay then defaults to the same 0.5 s.
    Run r =
        run(
            "copy",
            "--retry-max-delay",
            "0.5",
            "--dest-creds",
            DEST.server().credentialString(),
            src("cli/app:1.0"),
            dest("cli/retry:v1"));
    assertEquals(0, r.code(), r.err());
    assertEquals(amd64.digest(), r.lastOutLine());
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    String[][] cases = {
      {},
      {"cp", "a", "b"},
      {"copy", "docker://a/b"},
      {"copy", "--bogus", "docker://a/b", "docker://c/d"},
      {"copy", "--all", "--arch", "arm64", "docker://a/b", "docker://c/d"},
      {"copy", "--arch-tag", "arm64=x", "docker://a/b", "docker://c/d"},
      {"copy", "--retry-attempts", "0", "docker://a/b", "docker://c/d"},
      {"copy", "--retry-base-delay", "-1", "docker://a/b", "docker://c/d"},
      {"copy", "--retry-base-delay", "5", "--retry-max-delay", "1", "docker://a/b", "docker://c/d"},
      {"copy", "--dest-tls-verify=maybe", "docker://a/b", "docker://c/d"},
      {"copy", "docker://a/b", "c/d"},
      {"copy", "docker://UPPER/b", "docker://c/d"},
    };
    for (String[] c : cases) {
      Run r = run(c);
      assertEquals(2, r.code(), String.join(" ", c) + " → " + r.err());
      assertTrue(r.err().startsWith("error: "), r.err());
      assertEquals(1, r.err().strip().split("\n").length, r.err());
      assertEquals("", r.out());
    }
    assertTrue(
        run("copy", "--all", "--arch", "x", "docker://a/b", "docker://c/d")
            .err()
            .contains("imageArch and copyImageIndex cannot both be set"));
    assertTrue(
        run("copy", "--arch-tag", "a=b", "docker://a/b", "docker://c/d")
            .err()
            .contains("archImageTags can only be specified when copyImageIndex is true"));
  }

  @Test
  void helpDocumentsEveryOption() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String o :
        List.of(
            "--all",
            "--arch ",
            "--arch-tag",
            "--src-creds",
            "--dest-creds",
            "--retry-attempts",
            "--retry-base-delay",
            "--retry-max-delay",
            "--src-tls-verify=false",
            "--dest-tls-verify=false",
            "javax.net.ssl.trustStore")) {
      assertTrue(r.out().contains(o), o);
    }
  }

  @Test
  void failuresExitOneWithOneLineReason() {
    Run missing =
        run(
            "copy",
            "--dest-creds",
            DEST.server().credentialString(),
            src("cli/app:nope"),
            dest("cli/x:v1"));
    assertEquals(1, missing.code());
    String last = missing.err().strip().substring(missing.err().strip().lastIndexOf('\n') + 1);
    assertTrue(last.startsWith("error: "), last);
    assertTrue(last.contains("not found") && last.contains("cli/app:nope"), last);
    Run empty = run("copy", "--src-creds", "someone:", src("cli/app:1.0"), dest("cli/x:v1"));
    assertEquals(1, empty.code(), empty.err());
    assertTrue(empty.err().strip().startsWith("error: "), empty.err());
    assertTrue(empty.err().contains("--src-creds has an empty password"), empty.err());
    Run denied =
        run("copy", "--dest-creds", "tester:wrong-pw-42", src("cli/app:1.0"), dest("cli/x:v1"));
    assertEquals(1, denied.code());
    assertTrue(denied.err().contains("--dest-creds"), denied.err());
    assertFalse(denied.err().contains("wrong-pw-42"), denied.err());
  }

  @Test
  void aLayerFourTimesTheHeapStreamsThrough() throws Exception {
    // The bench copies 2 GiB under -Xmx128m; this cheaper check keeps streaming honest in CI:
    // a 200 MiB layer through a JVM whose whole heap is 48 MiB.
    Node big = GEN.image(Format.OCI, "linux/amd64").layers(200L << 20).build();
    GEN.push(SRC.server().http(), "cli/big", "v1", big);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(TestCa.shared().trustStoreJvmArgs());
    cmd.addAll(
        List.of("-Xmx48m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(
        List.of(
            "copy",
            "--dest-creds",
            DEST.server().credentialString(),
            src("cli/big:v1"),
            dest("cli/big:v1")));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    assertEquals(big.digest(), out.strip());
    assertTrue(DEST.server().http().hasBlob("cli/big", big.blobs().get(1).digest()));
  }

  @Test
  void s3ArchiveSourceThroughTheSdkEndpointSettings() throws Exception {
    ImageArchives.OciArchive archive =
        ImageArchives.ociArchive(
            List.of(ImageArchives.image(41, "amd64", 2, 40_000)), List.of("amd64"), "v1");
    S3.put("cli-bucket", "images/oci.tar", archive.tar().finish());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(TestCa.shared().trustStoreJvmArgs());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(
        List.of(
            "copy",
            "--dest-creds",
            DEST.server().credentialString(),
            "s3://cli-bucket/images/oci.tar",
            dest("cli/s3:v1")));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("AWS_ENDPOINT_URL_S3", S3.endpoint().toString());
    pb.environment().put("AWS_REGION", "us-east-1");
    pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyExtension.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyExtension.SECRET_KEY);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    assertEquals(archive.manifestDigests().get(0), out.strip());
    assertEquals(out.strip(), Skopeo.digest(DEST.server(), "cli/s3:v1"));
  }

  @Test
  void childJvmTrustsTheCaThroughTrustStoreSettingsAndFailsFastWithout() throws Exception {
    RegistryServer dest = DEST.server();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(TestCa.shared().trustStoreJvmArgs());
    cmd.addAll(
        List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(
        List.of(
            "copy",
            "--dest-creds",
            dest.credentialString(),
            src("cli/app:1.0"),
            dest("cli/child:v1")));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    assertEquals(amd64.digest(), out.strip());
    assertEquals(amd64.digest(), Skopeo.digest(dest, "cli/child:v1"));

    // Without the trust store settings the JVM's default CAs do not know the test CA.
    List<String> untrusted =
        new ArrayList<>(
            List.of(
                cmd.get(0), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    untrusted.addAll(List.of("copy", src("cli/app:1.0"), dest("cli/child:v2")));
    // That it fails without retrying the handshake is checked with an injected clock in
    // RegistryClientTest.untrustedCertificateFailsAtOnceSayingHowToTrustIt.
    Process q = new ProcessBuilder(untrusted).redirectErrorStream(true).start();
    String text = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(q.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, q.exitValue(), text);
    assertTrue(
        text.contains("TLS certificate problem") && text.contains("-Djavax.net.ssl.trustStore="),
        text);
  }
}
