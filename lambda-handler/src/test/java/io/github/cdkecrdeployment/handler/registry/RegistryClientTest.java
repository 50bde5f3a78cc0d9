package io.github.cdkecrdeployment.handler.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import io.github.cdkecrdeployment.handler.testing.TickingClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The adapter against real registries: byte-exact manifests, blobs, mounts, auth, TLS, retries. */
class RegistryClientTest {
  @RegisterExtension static final RegistryExtension TOKEN = RegistryExtension.token();
  @RegisterExtension static final RegistryExtension BASIC = RegistryExtension.basic();

  private static final TestImages GEN = new TestImages(11);
  private static final RequestRetry FAST =
      new RequestRetry(4, Duration.ofMillis(20), Duration.ofSeconds(2));
  private static Node image;

  @BeforeAll
  static void setUp() throws Exception {
    TestCa.shared().trustInThisJvm();
    image = GEN.image(Format.OCI, "linux/amd64").layers(300_000, 5_000).emptyLayer().build();
    GEN.push(TOKEN.server().http(), "src/app", "v1", image);
  }

  private static ImageReference ref(RegistryServer r, String repo) {
    return ImageReference.parse(r.image(repo, "v1"));
  }

  @Test
  void pullsManifestBytesAndBlobsAnonymouslyWithTokenAuth() throws Exception {
    RegistryServer r = TOKEN.server();
    RegistryRepository repo =
        new RegistryClient(FAST).open(ref(r, "src/app"), null, false, true, Deadline.none());
    RawManifest m = repo.pullManifest("v1");
    assertArrayEquals(image.bytes(), m.bytes());
    assertEquals(image.digest(), m.digest());
    assertEquals("application/vnd.oci.image.manifest.v1+json", m.mediaType());
    assertEquals(image.digest(), repo.manifestDigest("v1").orElseThrow());
    assertTrue(repo.manifestDigest("nope").isEmpty());
    TestImages.Blob layer = image.blobs().get(1);
    assertTrue(repo.hasBlob(layer.digest()));
    assertFalse(repo.hasBlob("sha256:" + "0".repeat(64)));
    try (InputStream in = repo.openBlob(new BlobDescriptor(layer.digest(), layer.size()))) {
      assertEquals(layer.digest(), TestImages.sha256(in.readAllBytes()));
    }
    RegistryException e = assertThrows(RegistryException.class, () -> repo.pullManifest("missing"));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
    assertTrue(e.getMessage().contains(r.host() + "/src/app:missing"), e.getMessage());
  }

  @Test
  void pushesBlobsManifestsAndMountsWithinTheRegistry() throws Exception {
    RegistryServer r = TOKEN.server();
    RegistryClient adapter = new RegistryClient(FAST);
    RegistryRepository src = adapter.open(ref(r, "src/app"), null, false, true, Deadline.none());
    RegistryRepository dest =
        adapter.open(ref(r, "dest/app"), r.credential(), true, true, Deadline.none());
    TestImages.Blob config = image.blobs().get(0);
    TestImages.Blob layer = image.blobs().get(1);
    assertTrue(dest.mountBlob(config.digest(), "src/app"));
    assertTrue(dest.hasBlob(config.digest()));
    assertFalse(dest.mountBlob("sha256:" + "1".repeat(64), "src/app"));
    try (InputStream in = src.openBlob(new BlobDescriptor(layer.digest(), layer.size()))) {
      dest.pushBlob(new BlobDescriptor(layer.digest(), layer.size()), in);
    }
    for (TestImages.Blob b : image.blobs().subList(2, image.blobs().size())) {
      BlobDescriptor d = dest.pushBlob(b.content().get());
      assertEquals(b.digest(), d.digest());
      assertEquals(b.size(), d.size());
    }
    RawManifest m = src.pullManifest("v1");
    assertEquals(m.digest(), dest.pushManifest(m, "v2"));
    assertArrayEquals(image.bytes(), r.http().getManifest("dest/app", "v2").bytes());
  }

  @Test
  void theAuthHandshakeLeavesNoJibTransportOpen() throws Exception {
    RegistryClient adapter = new RegistryClient(FAST);
    RegistryServer token = TOKEN.server();
    RegistryRepository pull =
        adapter.open(ref(token, "src/app"), null, false, true, Deadline.none());
    RegistryRepository push =
        adapter.open(ref(token, "dest/held"), token.credential(), true, true, Deadline.none());
    RegistryServer basic = BASIC.server();
    RegistryRepository basicPush =
        adapter.open(ref(basic, "dest/held"), basic.credential(), true, true, Deadline.none());
    assertTrue(push.mountBlob(image.blobs().get(0).digest(), "src/app"));
    for (RegistryRepository r : List.of(pull, push, basicPush)) {
      assertEquals(0, RegistryClient.jibTransportsHeld(r), r.reference().toString());
    }
    assertEquals(image.digest(), pull.manifestDigest("v1").orElseThrow());
  }

  @Test
  void wrongCredentialsFailWithTheFixAndNoPassword() throws Exception {
    RegistryServer r = BASIC.server();
    Credential wrong = new Credential("tester", "wrong-password-123");
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                new RegistryClient(FAST)
                    .open(ref(r, "x/y"), wrong, true, true, Deadline.none())
                    .manifestDigest("v1"));
    assertTrue(e.getMessage().contains("DestCreds"), e.getMessage());
    assertTrue(e.getMessage().contains("denied"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-password-123"), e.getMessage());
    RegistryException anon =
        assertThrows(
            RegistryException.class,
            () ->
                new RegistryClient(FAST)
                    .open(ref(r, "x/y"), null, false, true, Deadline.none())
                    .manifestDigest("v1"));
    assertTrue(anon.getMessage().contains("set SrcCreds"), anon.getMessage());
    RegistryException token =
        assertThrows(
            RegistryException.class,
            () ->
                new RegistryClient(FAST)
                    .open(ref(TOKEN.server(), "x/y"), wrong, false, true, Deadline.none()));
    assertTrue(token.getMessage().contains("SrcCreds"), token.getMessage());
    assertFalse(token.getMessage().contains("wrong-password-123"), token.getMessage());
  }

  @Test
  void aRefusedIssuedTokenPointsAtTheRolesPermissionsNotAtTheCredsProperties() throws Exception {
    RegistryServer r = BASIC.server();
    Credential token =
        Credential.issued("AWS", "expired-token-456", "ecr:GetAuthorizationToken in us-east-1");
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                new RegistryClient(FAST)
                    .open(ref(r, "x/y"), token, true, true, Deadline.none())
                    .manifestDigest("v1"));
    String m = e.getMessage();
    assertTrue(m.contains("denied"), m);
    assertTrue(m.contains("ecr:GetAuthorizationToken in us-east-1"), m);
    assertTrue(m.contains("function's role"), m);
    assertTrue(m.contains("must be allowed to push to " + r.host() + "/x/y"), m);
    assertTrue(m.contains("repository policy"), m);
    assertFalse(m.contains("check DestCreds"), m);
    assertFalse(m.contains("expired-token-456"), m);
  }

  @Test
  void untrustedCertificateFailsAtOnceSayingHowToTrustIt() throws Exception {
    TestCa other = TestCa.create(Files.createTempDirectory("other-ca"), List.of());
    try (RegistryServer r =
        RegistryServer.start(new RegistryServer.Options(RegistryServer.Auth.ANONYMOUS, other))) {
      // Fails at once: a retried handshake would run into this deadline (a clock moving 1 s per
      // read, 3 s left) and end with a DeadlineException instead.
      TickingClock clock = new TickingClock(Duration.ofSeconds(1));
      Deadline soon = Deadline.at(clock.instant().plus(Duration.ofSeconds(3)), clock);
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  new RegistryClient(
                          new RequestRetry(50, Duration.ofMillis(1), Duration.ofMillis(2)))
                      .open(ref(r, "a/b"), null, false, true, soon));
      assertTrue(e instanceof TlsTrustException, e.toString());
      assertTrue(e.getMessage().contains("-Djavax.net.ssl.trustStore="), e.getMessage());
      // The command line's opt-out works against the same registry.
      RegistryRepository repo =
          new RegistryClient().open(ref(r, "a/b"), null, false, false, Deadline.none());
      assertTrue(repo.manifestDigest("v1").isEmpty());
    }
  }

  @Test
  void retriesTransientFailuresAndHonoursRetryAfter() throws Exception {
    RegistryServer r = TOKEN.server();
    try (FaultProxy proxy = FaultProxy.start(r)) {
      ImageReference viaProxy = ImageReference.parse(proxy.host() + "/src/app:v1");
      RegistryRepository repo =
          new RegistryClient(FAST).open(viaProxy, null, false, true, Deadline.none());
      proxy.inject(FaultProxy.Fault.status("GET", "/manifests/v1", 2, 503));
      assertArrayEquals(image.bytes(), repo.pullManifest("v1").bytes());
      assertEquals(3, proxy.count("GET", "/manifests/v1"));
      proxy.inject(FaultProxy.Fault.tooManyRequests("HEAD", "/manifests/v1", 1, 1));
      assertEquals(image.digest(), repo.manifestDigest("v1").orElseThrow());
      assertEquals(2, proxy.count("HEAD", "/manifests/v1"));
      proxy.inject(FaultProxy.Fault.drop("GET", "/manifests/v1", 1));
      assertArrayEquals(image.bytes(), repo.pullManifest("v1").bytes());
      proxy.inject(FaultProxy.Fault.status("GET", "/manifests/v1", 10, 500));
      RegistryException e = assertThrows(RegistryException.class, () -> repo.pullManifest("v1"));
      assertEquals(500, e.statusCode());
      assertTrue(e.isTransient());
      proxy.reset();
      proxy.inject(FaultProxy.Fault.status("GET", "/manifests/v1", 1, 404));
      RegistryException nf = assertThrows(RegistryException.class, () -> repo.pullManifest("v1"));
      assertFalse(nf.isTransient());
      assertEquals(1, proxy.count("GET", "/manifests/v1"));
    }
  }

  @Test
  void deadlineStopsRetrying() throws Exception {
    RegistryServer r = TOKEN.server();
    try (FaultProxy proxy = FaultProxy.start(r)) {
      ImageReference viaProxy = ImageReference.parse(proxy.host() + "/src/app:v1");
      // A clock that moves 50 ms per read: the deadline passes after a known number of checks.
      TickingClock clock = new TickingClock(Duration.ofMillis(50));
      RegistryRepository repo =
          new RegistryClient(new RequestRetry(50, Duration.ofMillis(5), Duration.ofMillis(20)))
              .open(
                  viaProxy,
                  null,
                  false,
                  true,
                  Deadline.at(clock.instant().plus(Duration.ofSeconds(2)), clock));
      proxy.inject(FaultProxy.Fault.status("GET", "/manifests/", 1000, 503));
      assertThrows(DeadlineException.class, () -> repo.pullManifest("v1"));
      long tries = proxy.count("GET", "/manifests/");
      assertTrue(tries >= 1 && tries < 50, tries + " requests: the deadline must end the retries");
    }
  }

  @Test
  void pushBlobOfUnknownDigestComputesIt() throws Exception {
    RegistryServer r = BASIC.server();
    RegistryRepository dest =
        new RegistryClient(FAST)
            .open(ref(r, "unknown/digest"), r.credential(), true, true, Deadline.none());
    byte[] data = "hello blob".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    BlobDescriptor d = dest.pushBlob(new ByteArrayInputStream(data));
    assertEquals(TestImages.sha256(data), d.digest());
    assertArrayEquals(data, r.http().getBlob("unknown/digest", d.digest()));
  }
}
