package io.github.cdkecrdeployment.handler.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness itself works: registries in all flavours, generated images, skopeo, the proxy. */
class HarnessTest {
  @RegisterExtension static final RegistryExtension ANON = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension BASIC = RegistryExtension.basic();
  @RegisterExtension static final RegistryExtension TOKEN = RegistryExtension.token();

  private final TestImages gen = new TestImages(7);

  @Test
  void generatedLayersAreValidGzipTarsWithTheAnnouncedDigest() throws Exception {
    TestImages.Layer l = gen.layer(100_000, MediaTypes.OCI_LAYER);
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    MessageDigest inner = MessageDigest.getInstance("SHA-256");
    byte[] all;
    try (InputStream in = l.blob().content().get()) {
      all = in.readAllBytes();
    }
    assertEquals(l.blob().size(), all.length);
    assertTrue(all.length > 100_000, "random payload must not compress");
    assertEquals(l.blob().digest(), "sha256:" + HexFormat.of().formatHex(outer.digest(all)));
    byte[] tar;
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(all))) {
      tar = in.readAllBytes();
    }
    assertEquals(l.diffId(), "sha256:" + HexFormat.of().formatHex(inner.digest(tar)));
    assertEquals(512 + 100_352 + 1024, tar.length);
  }

  @Test
  void ociIndexWithAttestationsAndArtifactIsServedByteExact() throws Exception {
    RegistryServer r = ANON.server();
    Node amd64 = gen.image(Format.OCI, "linux/amd64").layers(4096, 1000).build();
    Node arm64 = gen.image(Format.OCI, "linux/arm64/v8").layers(2048).emptyLayer().build();
    Node armv7 = gen.image(Format.OCI, "linux/arm/v7").layers(10).repeatLayer(0).build();
    Node sbom = gen.artifact(amd64, "application/vnd.example.sbom");
    Node index =
        gen.index(Format.OCI, amd64, arm64, armv7)
            .attestations()
            .entry(sbom)
            .annotation("org.opencontainers.image.title", "harness")
            .build();
    gen.push(r.http(), "harness/oci", "v1", index);
    assertArrayEquals(index.bytes(), Skopeo.inspectRaw(r, "harness/oci:v1"));
    assertEquals(index.digest(), Skopeo.digest(r, "harness/oci:v1"));
    assertArrayEquals(
        arm64.bytes(),
        Skopeo.inspectRaw(r, "harness/oci@" + index.child("linux/arm64/v8").digest()));
    RegistryHttp.Served s = r.http().getManifest("harness/oci", "v1");
    assertEquals(MediaTypes.OCI_INDEX, s.mediaType());
    assertEquals(index.digest(), s.digest());
    String text = new String(index.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("\n   \"manifests\": ["), text);
    assertTrue(text.contains("unknown"), text);
  }

  @Test
  void dockerImageThroughBasicAuthAndSkopeoCopyToTokenAuth() throws Exception {
    RegistryServer basic = BASIC.server();
    RegistryServer token = TOKEN.server();
    Node img = gen.image(Format.DOCKER, "linux/amd64").layers(50_000, 3).build();
    Node list = gen.index(Format.DOCKER, img).build();
    gen.push(basic.http(), "lib/app", "1.0", list);
    assertEquals(list.digest(), Skopeo.digest(basic, "lib/app:1.0"));
    String copied = Skopeo.copy(basic, "lib/app:1.0", token, "copy/app:1.0", "--all");
    assertEquals(list.digest(), copied);
    assertEquals(list.digest(), token.http().manifestDigest("copy/app", "1.0"));
    assertTrue(token.tokenServer().requestCount() > 0);
  }

  @Test
  void tokenRegistryRefusesWrongPasswordAndAnonymousPush() throws Exception {
    RegistryServer token = TOKEN.server();
    RegistryHttp wrong =
        new RegistryHttp(
            token.url(), token.ca().clientSslContext(), new Credential("tester", "no"));
    IOException e = assertThrows(IOException.class, () -> wrong.manifestDigest("x/y", "latest"));
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    RegistryHttp anon = new RegistryHttp(token.url(), token.ca().clientSslContext(), null);
    Node img = gen.image(Format.OCI, "linux/amd64").layers(10).build();
    assertThrows(IOException.class, () -> gen.push(anon, "anon/push", "v1", img));
    gen.push(token.http(), "anon/pull", "v1", img);
    assertEquals(img.digest(), anon.manifestDigest("anon/pull", "v1"));
  }

  @Test
  void proxyCountsAndInjectsFaults() throws Exception {
    RegistryServer r = ANON.server();
    try (FaultProxy proxy = FaultProxy.start(r)) {
      RegistryHttp viaProxy =
          new RegistryHttp("https://" + proxy.host(), r.ca().clientSslContext(), null);
      Node img = gen.image(Format.OCI, "linux/amd64").layers(70_000).build();
      gen.push(viaProxy, "proxied", "v1", img);
      assertEquals(1, proxy.count("PUT", "/manifests/v1$"));
      assertEquals(2, proxy.count("PUT", "/blobs/uploads/"));
      proxy.inject(FaultProxy.Fault.status("HEAD", "/manifests/", 1, 503));
      IOException e =
          assertThrows(IOException.class, () -> viaProxy.manifestDigest("proxied", "v1"));
      assertTrue(e.getMessage().contains("503"), e.getMessage());
      assertEquals(img.digest(), viaProxy.manifestDigest("proxied", "v1"));
      proxy.inject(FaultProxy.Fault.drop("GET", "/blobs/", 1));
      // The JDK client retries an idempotent GET once after a dropped connection.
      byte[] config = viaProxy.getBlob("proxied", img.blobs().get(0).digest());
      assertEquals(img.blobs().get(0).size(), config.length);
      assertTrue(
          proxy.requests().stream().anyMatch(q -> q.status() == 0 && q.method().equals("GET")),
          proxy.requests().toString());
    }
  }
}
