package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.cli.Main;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.PlainHttpRecorder;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS on every production path: a registry whose certificate this JVM does not trust is refused by
 * the handler (as source and as destination) and by the command line, quickly (inside a short
 * Lambda deadline, so the reason is the certificate's and not the deadline's) and with the fix
 * named; no custom-resource property turns verification off; credentials never travel over plain
 * HTTP, not even with the command line's {@code --src-tls-verify=false}.
 */
class ReliabilityTlsTest {
  @RegisterExtension static final RegistryExtension TRUSTED = RegistryExtension.anonymous();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final TestImages GEN = new TestImages(1121);
  private static final String PLAIN_PW = "Plain-Http-Pw-0c0c0c";
  private static RegistryServer untrusted;
  private static Path caDir;
  private static Node image;

  @BeforeAll
  static void start() throws Exception {
    TestCa.shared().trustInThisJvm();
    caDir = Files.createTempDirectory("other-ca");
    untrusted =
        RegistryServer.start(
            new RegistryServer.Options(
                RegistryServer.Auth.ANONYMOUS, TestCa.create(caDir, TestCa.DEFAULT_EXTRA_HOSTS)));
    image = GEN.image(Format.OCI, "linux/amd64").layers(5_000).build();
    GEN.push(untrusted.http(), "seed/app", "v1", image);
    GEN.push(TRUSTED.server().http(), "seed/app", "v1", image);
  }

  @AfterAll
  static void stop() {
    if (untrusted != null) {
      untrusted.close();
    }
  }

  /** 40 s of Lambda time: 10 s for the copy after the 30 s safety margin. */
  private JsonNode deploy(Map<String, String> props) throws Exception {
    return new Deployments(aws.settings().build())
        .run(cfn, CfnEvents.create(cfn.url(), props), Duration.ofSeconds(40));
  }

  @Test
  void theHandlerRefusesAnUntrustedSourceAtOnceNamingTheFix() throws Exception {
    String reason =
        Deployments.failedReason(
            deploy(
                CfnEvents.props(
                    "docker://" + untrusted.host() + "/seed/app:v1",
                    "docker://" + TRUSTED.server().host() + "/out/a:v1")));
    assertTrue(reason.contains("TLS certificate problem with " + untrusted.host()), reason);
    assertTrue(reason.contains("not trusted"), reason);
    assertTrue(reason.contains("trustStore"), reason);
    assertEquals(null, TRUSTED.server().http().manifestDigest("out/a", "v1"));
  }

  @Test
  void theHandlerRefusesAnUntrustedDestinationAtOnceNamingTheFix() throws Exception {
    String reason =
        Deployments.failedReason(
            deploy(
                CfnEvents.props(
                    "docker://" + TRUSTED.server().host() + "/seed/app:v1",
                    "docker://" + untrusted.host() + "/out/b:v1")));
    assertTrue(reason.contains("TLS certificate problem with " + untrusted.host()), reason);
    assertTrue(reason.contains("trustStore"), reason);
    assertEquals(null, untrusted.http().manifestDigest("out/b", "v1"));
  }

  @Test
  void noCustomResourcePropertyTurnsVerificationOff() throws Exception {
    Map<String, String> props =
        new LinkedHashMap<>(
            CfnEvents.props(
                "docker://" + untrusted.host() + "/seed/app:v1",
                "docker://" + untrusted.host() + "/out/c:v1"));
    for (String name :
        List.of(
            "SrcTlsVerify",
            "DestTlsVerify",
            "TlsVerify",
            "tlsVerify",
            "src-tls-verify",
            "dest-tls-verify",
            "Insecure",
            "InsecureRegistry",
            "SkipTlsVerify")) {
      props.put(
          name,
          name.toLowerCase(Locale.ROOT).contains("insecure") || name.contains("Skip")
              ? "true"
              : "false");
    }
    String reason = Deployments.failedReason(deploy(props));
    assertTrue(reason.contains("TLS certificate problem with " + untrusted.host()), reason);
    assertEquals(null, untrusted.http().manifestDigest("out/c", "v1"));
    // A flag smuggled into the image reference is a bad reference, not a switch.
    String smuggled =
        Deployments.failedReason(
            deploy(
                CfnEvents.props(
                    "docker://" + untrusted.host() + "/seed/app:v1?tls-verify=false",
                    "docker://" + untrusted.host() + "/out/c:v1")));
    assertTrue(smuggled.startsWith("invalid SrcImage"), smuggled);
  }

  @Test
  void theCommandLineRefusesAnUntrustedRegistryUnlessTold() {
    String src = "docker://" + untrusted.host() + "/seed/app:v1";
    String dest = "docker://" + TRUSTED.server().host() + "/out/cli:v1";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Main.run(
                    new String[] {"copy", src, dest},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(Main.EXIT_FAILED, exit, e);
    assertTrue(e.contains("TLS certificate problem with " + untrusted.host()), e);
    assertTrue(e.contains("--src-tls-verify=false"), e);
    assertTrue(e.contains("-Djavax.net.ssl.trustStore="), e);
    assertEquals("", out.toString(StandardCharsets.UTF_8));

    // Only the explicit command-line flag turns it off.
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    int copied =
        assertTimeoutPreemptively(
            Duration.ofSeconds(120),
            () ->
                Main.run(
                    new String[] {"copy", "--src-tls-verify=false", src, dest},
                    new PrintStream(ok, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertEquals(0, copied);
    assertEquals(image.digest(), ok.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void credentialsAreNeverSentOverPlainHttp() throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(("plainuser:" + PLAIN_PW).getBytes(StandardCharsets.UTF_8));
    try (PlainHttpRecorder plain = PlainHttpRecorder.start()) {
      // The handler speaks only HTTPS: the listener sees a TLS handshake and nothing else.
      Map<String, String> props = new LinkedHashMap<>();
      props.put("SrcImage", "docker://" + plain.host() + "/seed/app:v1");
      props.put("SrcCreds", "plainuser:" + PLAIN_PW);
      props.put("DestImage", "docker://" + TRUSTED.server().host() + "/out/plain:v1");
      String reason = Deployments.failedReason(deploy(props));
      assertTrue(reason.contains(plain.host()), reason);
      assertFalse(plain.connections().isEmpty(), "the handler tried the listener");
      String seenByHandler = plain.received();
      assertFalse(seenByHandler.startsWith("GET "), "no plain HTTP request from the handler");

      assertFalse(seenByHandler.toLowerCase(Locale.ROOT).contains("authorization:"));
      assertFalse(seenByHandler.contains(basic));
      assertFalse(seenByHandler.contains(PLAIN_PW));
      assertEquals(null, TRUSTED.server().http().manifestDigest("out/plain", "v1"));
    }
  }

  /**
   * With {@code --src-tls-verify=false} the command line falls back to plain HTTP for a registry
   * without TLS; it must still never send the credential there.
   */
  @Test
  void theCommandLineNeverSendsCredentialsOverPlainHttpEvenWithTlsVerifyFalse() throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(("plainuser:" + PLAIN_PW).getBytes(StandardCharsets.UTF_8));
    try (PlainHttpRecorder plain = PlainHttpRecorder.start()) {
      // The command line with --src-tls-verify=false falls back to HTTP, but without credentials.
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit =
          assertTimeoutPreemptively(
              Duration.ofSeconds(120),
              () ->
                  Main.run(
                      new String[] {
                        "copy",
                        "--src-tls-verify=false",
                        "--src-creds",
                        "plainuser:" + PLAIN_PW,
                        "docker://" + plain.host() + "/seed/app:v1",
                        "docker://" + TRUSTED.server().host() + "/out/plain:v1"
                      },
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                      new PrintStream(err, true, StandardCharsets.UTF_8)));
      assertEquals(Main.EXIT_FAILED, exit, err.toString(StandardCharsets.UTF_8));
      String all = plain.received();
      assertTrue(all.contains("GET /v2/"), "the command line did reach the listener over HTTP");
      assertFalse(all.toLowerCase(Locale.ROOT).contains("authorization:"), all);
      assertFalse(all.contains(basic), all);
      assertFalse(all.contains(PLAIN_PW), all);
      assertEquals(null, TRUSTED.server().http().manifestDigest("out/plain", "v1"));
    }
  }
}
