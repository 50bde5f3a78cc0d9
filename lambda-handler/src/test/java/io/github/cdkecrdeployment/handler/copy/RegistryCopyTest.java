package io.github.cdkecrdeployment.handler.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryClient;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.InMemoryRegistry;
import io.github.cdkecrdeployment.handler.testing.MediaTypes;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine against real registries: a token-auth source (anonymous pull, as Docker Hub) and a
 * basic-auth destination, skopeo as the oracle. One registry pair for the whole class.
 */
class RegistryCopyTest {
  @RegisterExtension static final RegistryExtension SRC = RegistryExtension.token();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.basic();

  private static final TestImages GEN = new TestImages(23);
  private static final RequestRetry FAST =
      new RequestRetry(4, Duration.ofMillis(20), Duration.ofSeconds(2));
  private static Node amd64;
  private static Node arm64;
  private static Node armv7;
  private static Node ociIndex;
  private static Node nestedIndex;
  private static Node dockerList;
  private static Node dockerAmd64;

  @BeforeAll
  static void images() throws Exception {
    TestCa.shared().trustInThisJvm();
    amd64 =
        GEN.image(Format.OCI, "linux/amd64")
            .layers(200_000, 30_000)
            .layerMediaType(MediaTypes.OCI_LAYER_ZSTD)
            .layers(5_000)
            .layerMediaType(MediaTypes.OCI_LAYER_TAR)
            .layers(7_000)
            .annotation("org.opencontainers.image.source", "https://example.test/app")
            .build();
    arm64 = GEN.image(Format.OCI, "linux/arm64/v8").layers(100_000).build();
    armv7 = GEN.image(Format.OCI, "linux/arm/v7").layers(90_000).build();
    Node nested =
        GEN.index(Format.OCI, GEN.image(Format.OCI, "linux/s390x").layers(1_000).build()).build();
    ociIndex =
        GEN.index(Format.OCI, amd64, arm64, armv7)
            .attestations()
            .entry(GEN.artifact(amd64, "application/vnd.example.sbom"))
            .annotation("org.opencontainers.image.title", "multi")
            .build();
    GEN.push(SRC.server().http(), "lib/multi", "1.0", ociIndex);
    // skopeo 1.9 cannot copy an index inside an index, so this one is checked without the oracle.
    nestedIndex = GEN.index(Format.OCI, amd64, nested).build();
    GEN.push(SRC.server().http(), "lib/nested", "1.0", nestedIndex);
    dockerAmd64 = GEN.image(Format.DOCKER, "linux/amd64").layers(150_000, 2_000).build();
    Node dockerArm = GEN.image(Format.DOCKER, "linux/arm64").layers(60_000).build();
    dockerList = GEN.index(Format.DOCKER, dockerAmd64, dockerArm).build();
    GEN.push(SRC.server().http(), "lib/docker", "1.0", dockerList);
    GEN.push(SRC.server().http(), "lib/single", "oci", amd64);
    GEN.push(SRC.server().http(), "lib/single", "docker", dockerAmd64);
  }

  private static final class Recorder implements CopyListener {
    final List<BlobOutcome> outcomes = new CopyOnWriteArrayList<>();
    final List<String> stages = new CopyOnWriteArrayList<>();

    @Override
    public void stage(String message) {
      stages.add(message);
    }

    @Override
    public void blob(String digest, long size, BlobOutcome outcome, long nanos) {
      outcomes.add(outcome);
    }
  }

  private static CopyRequest.Builder request(String src, String dest) {
    return request(SRC.server(), src, DEST.server().host(), dest);
  }

  private static CopyRequest.Builder request(
      RegistryServer srcRegistry, String src, String destHost, String dest) {
    return CopyRequest.builder(
            SourceLocation.parse("docker://" + srcRegistry.host() + "/" + src),
            ImageReference.parse(destHost + "/" + dest))
        .destinationCredential(DEST.server().credential());
  }

  private static CopyResult copy(CopyRequest r) throws Exception {
    return Copier.builder().registries(new RegistryClient(FAST)).blobRetry(FAST).build().copy(r);
  }

  private static void assertAt(String repo, String tag, Node expected) throws Exception {
    assertEquals(expected.digest(), Skopeo.digest(DEST.server(), repo + ":" + tag));
    assertArrayEquals(expected.bytes(), DEST.server().http().getManifest(repo, tag).bytes());
    assertEquals(expected.mediaType(), DEST.server().http().getManifest(repo, tag).mediaType());
  }

  @Test
  void singleOciManifestByteExactWithZstdAndUncompressedLayers() throws Exception {
    CopyResult r = copy(request("lib/single:oci", "t/oci:v1").build());
    assertEquals(amd64.digest(), r.digest());
    assertFalse(r.pushedNothing());
    assertAt("t/oci", "v1", amd64);
    for (TestImages.Blob b : amd64.blobs()) {
      assertTrue(DEST.server().http().hasBlob("t/oci", b.digest()), b.digest());
    }
  }

  @Test
  void singleDockerManifestByteExactAndEqualToSkopeo() throws Exception {
    CopyResult r = copy(request("lib/single:docker", "t/docker:v1").build());
    assertEquals(dockerAmd64.digest(), r.digest());
    assertAt("t/docker", "v1", dockerAmd64);
    String skopeo =
        Skopeo.copy(SRC.server(), "lib/single:docker", DEST.server(), "t/docker-skopeo:v1");
    assertEquals(skopeo, r.digest());
  }

  @Test
  void dockerManifestListDefaultsToAmd64ChildLikeSkopeo() throws Exception {
    CopyResult r = copy(request("lib/docker:1.0", "t/list:v1").build());
    assertEquals(dockerAmd64.digest(), r.digest());
    assertAt("t/list", "v1", dockerAmd64);
    String skopeo = Skopeo.copy(SRC.server(), "lib/docker:1.0", DEST.server(), "t/list-skopeo:v1");
    assertEquals(skopeo, r.digest());
  }

  @Test
  void wholeOciIndexWithAttestationsArtifactsAndNestedIndexEqualsSkopeoAll() throws Exception {
    Recorder rec = new Recorder();
    CopyResult r =
        copy(request("lib/multi:1.0", "t/all:v1").selection(Selection.all()).listener(rec).build());
    assertEquals(ociIndex.digest(), r.digest());
    assertAt("t/all", "v1", ociIndex);
    for (Node n : ociIndex.allNodes()) {
      assertArrayEquals(n.bytes(), DEST.server().http().getManifest("t/all", n.digest()).bytes());
    }
    assertEquals(ociIndex.allBlobs().size(), rec.outcomes.size());
    // skopeo 1.9 itself is not byte-exact here (it re-serialises this index, drops artifactType
    // and rewrites the zstd child), so the oracle is what skopeo sees at both ends.
    assertEquals(Skopeo.digest(SRC.server(), "lib/multi:1.0"), r.digest());
    assertEquals(r.digest(), Skopeo.digest(DEST.server(), "t/all:v1"));
  }

  @Test
  void ociIndexWithAttestationsEqualsSkopeoCopyAll() throws Exception {
    Node plain = GEN.image(Format.OCI, "linux/amd64").layers(40_000).build();
    Node index = GEN.index(Format.OCI, plain, arm64).attestations().build();
    GEN.push(SRC.server().http(), "lib/plain", "1.0", index);
    CopyResult r = copy(request("lib/plain:1.0", "t/plain:v1").selection(Selection.all()).build());
    String skopeo =
        Skopeo.copy(SRC.server(), "lib/plain:1.0", DEST.server(), "t/plain-skopeo:v1", "--all");
    assertEquals(skopeo, r.digest());
    assertEquals(index.digest(), r.digest());
    assertAt("t/plain", "v1", index);
  }

  @Test
  void nestedIndexIsCopiedWhole() throws Exception {
    CopyResult r =
        copy(request("lib/nested:1.0", "t/nested:v1").selection(Selection.all()).build());
    assertEquals(nestedIndex.digest(), r.digest());
    assertAt("t/nested", "v1", nestedIndex);
    for (Node n : nestedIndex.allNodes()) {
      assertArrayEquals(
          n.bytes(), DEST.server().http().getManifest("t/nested", n.digest()).bytes());
    }
  }

  @Test
  void archSelectionIsVariantAware() throws Exception {
    assertEquals(
        arm64.digest(),
        copy(request("lib/multi:1.0", "t/arch:arm64").selection(Selection.arch("arm64")).build())
            .digest());
    assertAt("t/arch", "arm64", arm64);
    assertEquals(
        arm64.digest(),
        copy(request("lib/multi:1.0", "t/arch:arm64v8")
                .selection(Selection.arch("arm64/v8"))
                .build())
            .digest());
    assertEquals(
        armv7.digest(),
        copy(request("lib/multi:1.0", "t/arch:arm").selection(Selection.arch("arm")).build())
            .digest());
    assertAt("t/arch", "arm", armv7);
    String skopeo =
        Skopeo.copy(
            SRC.server(),
            "lib/multi:1.0",
            DEST.server(),
            "t/arch-skopeo:arm",
            "--override-arch=arm",
            "--override-variant=v7");
    assertEquals(armv7.digest(), skopeo);
    CopyException e =
        assertThrows(
            CopyException.class,
            () ->
                copy(
                    request("lib/multi:1.0", "t/arch:ppc")
                        .selection(Selection.arch("ppc64le"))
                        .build()));
    assertTrue(e.getMessage().contains("linux/ppc64le"), e.getMessage());
    assertTrue(e.getMessage().contains("linux/arm64/v8"), e.getMessage());
    assertTrue(e.getMessage().contains("linux/arm/v7"), e.getMessage());
    assertNull(DEST.server().http().manifestDigest("t/arch", "ppc"));
  }

  @Test
  void archTagsPointAtTheChildren() throws Exception {
    Recorder rec = new Recorder();
    CopyResult r =
        copy(
            request("lib/multi:1.0", "t/archtags:v1")
                .selection(Selection.all())
                .archTags(Map.of("arm64", "v1-arm64", "amd64", "v1-amd64"))
                .listener(rec)
                .build());
    assertEquals(ociIndex.digest(), r.digest());
    assertAt("t/archtags", "v1-arm64", arm64);
    assertAt("t/archtags", "v1-amd64", amd64);
    assertAt("t/archtags", "v1", ociIndex);
    // A new main tag next to arch tags that are already right re-pushes none of them (immutable
    // tag repositories would refuse it).
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      CopyResult again =
          copy(
              request(SRC.server(), "lib/multi:1.0", proxy.host(), "t/archtags:v2")
                  .selection(Selection.all())
                  .archTags(Map.of("arm64", "v1-arm64", "amd64", "v1-amd64"))
                  .build());
      assertEquals(ociIndex.digest(), again.digest());
      assertEquals(0, proxy.count("PUT", "/manifests/v1-"), proxy.requests().toString());
      assertEquals(0, proxy.count("PUT", "/manifests/sha256:"), proxy.requests().toString());
      assertEquals(1, proxy.count("PUT", "/manifests/v2$"), proxy.requests().toString());
    }
  }

  @Test
  void singleManifestWithArchCopiesOnlyWhenItMatches() throws Exception {
    assertEquals(
        amd64.digest(),
        copy(request("lib/single:oci", "t/single:amd").selection(Selection.arch("amd64")).build())
            .digest());
    CopyException e =
        assertThrows(
            CopyException.class,
            () ->
                copy(
                    request("lib/single:oci", "t/single:arm")
                        .selection(Selection.arch("arm64"))
                        .build()));
    assertTrue(e.getMessage().contains("single-platform linux/amd64"), e.getMessage());
  }

  @Test
  void presentBlobsAreSkippedAndATagAlreadyAtTheDigestPushesNothing() throws Exception {
    copy(request("lib/single:docker", "t/skip:v1").build());
    Recorder rec = new Recorder();
    copy(request("lib/single:docker", "t/skip:v2").listener(rec).build());
    assertEquals(3, rec.outcomes.size());
    assertTrue(
        rec.outcomes.stream().allMatch(o -> o == BlobOutcome.SKIPPED), rec.outcomes.toString());
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      CopyResult r =
          copy(request(SRC.server(), "lib/single:docker", proxy.host(), "t/skip:v2").build());
      assertTrue(r.pushedNothing());
      assertEquals(dockerAmd64.digest(), r.digest());
      assertEquals(0, proxy.count("PUT", "."), proxy.requests().toString());
      assertEquals(0, proxy.count("POST", "."), proxy.requests().toString());
      assertEquals(0, proxy.count("PATCH", "."), proxy.requests().toString());
      assertEquals(1, proxy.count("HEAD", "/manifests/v2"), proxy.requests().toString());
    }
  }

  @Test
  void sameRegistryCopiesMountAcrossRepositories() throws Exception {
    RegistryServer src = SRC.server();
    Recorder rec = new Recorder();
    CopyResult r =
        copy(
            CopyRequest.builder(
                    SourceLocation.parse("docker://" + src.image("lib/single", "oci")),
                    ImageReference.parse(src.image("mounted/app", "v1")))
                .destinationCredential(src.credential())
                .listener(rec)
                .build());
    assertEquals(amd64.digest(), r.digest());
    assertEquals(amd64.blobs().size(), rec.outcomes.size());
    assertTrue(
        rec.outcomes.stream().allMatch(o -> o == BlobOutcome.MOUNTED), rec.outcomes.toString());
    assertEquals(amd64.digest(), src.http().manifestDigest("mounted/app", "v1"));
  }

  @Test
  void sixtyLayersDuplicatedAndEmptyLayers() throws Exception {
    TestImages.ImageBuilder b = GEN.image(Format.DOCKER, "linux/amd64");
    for (int i = 0; i < 58; i++) {
      b.layers(1_000 + i);
    }
    Node sixty = b.emptyLayer().repeatLayer(3).build();
    GEN.push(SRC.server().http(), "lib/sixty", "v1", sixty);
    Recorder rec = new Recorder();
    CopyResult r = copy(request("lib/sixty:v1", "t/sixty:v1").listener(rec).build());
    assertEquals(sixty.digest(), r.digest());
    assertAt("t/sixty", "v1", sixty);
    assertEquals(60, r.progress().blobsTotal()); // 59 distinct layers + config
    assertEquals(60, rec.outcomes.size());
  }

  @Test
  void wrongDestinationCredentialsAndMissingTagFailClearly() throws Exception {
    CopyException e =
        assertThrows(
            CopyException.class,
            () ->
                copy(
                    request("lib/single:oci", "t/wrong:v1")
                        .destinationCredential(new Credential("tester", "bad-pass-xyz"))
                        .build()));
    assertTrue(e.getMessage().contains("DestCreds"), e.getMessage());
    assertTrue(e.getMessage().contains(DEST.server().host() + "/t/wrong"), e.getMessage());
    assertFalse(e.getMessage().contains("bad-pass-xyz"), e.getMessage());
    CopyException missing =
        assertThrows(
            CopyException.class, () -> copy(request("lib/single:nope", "t/wrong:v1").build()));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    assertTrue(
        missing.getMessage().contains(SRC.server().host() + "/lib/single:nope"),
        missing.getMessage());
  }

  @Test
  void transientBlobFailuresAreRetriedFromTheirHead() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      proxy.inject(FaultProxy.Fault.status("PUT", "/blobs/uploads/", 1, 503));
      proxy.inject(FaultProxy.Fault.drop("PUT", "/blobs/uploads/", 1));
      proxy.inject(FaultProxy.Fault.tooManyRequests("PUT", "/manifests/v1", 1, 1));
      CopyResult r =
          copy(request(SRC.server(), "lib/single:oci", proxy.host(), "t/faults:v1").build());
      assertEquals(amd64.digest(), r.digest());
      assertAt("t/faults", "v1", amd64);
      assertEquals(2, proxy.count("PUT", "/manifests/v1"));
      assertEquals(amd64.blobs().size() + 2, proxy.count("PUT", "/blobs/uploads/"));
    }
  }

  @Test
  void aSourceThatStallsMidBodyPastTheReadTimeoutIsRetriedAndTheCopyIsByteExact() throws Exception {
    // A socket timeout while the blob streams is a transient failure of the source, retried from
    // the blob's HEAD; it is neither an interruption nor a failure of the destination.
    TestImages.Blob layer = dockerAmd64.blobs().get(1);
    try (FaultProxy proxy = FaultProxy.start(SRC.server())) {
      proxy.inject(
          FaultProxy.Fault.stallBody("GET", "/blobs/" + layer.digest(), 1, Duration.ofSeconds(4)));
      CopyResult r =
          Copier.builder()
              .registries(new RegistryClient(FAST, Duration.ofSeconds(1)))
              .blobRetry(FAST)
              .build()
              .copy(
                  CopyRequest.builder(
                          SourceLocation.parse("docker://" + proxy.host() + "/lib/single:docker"),
                          ImageReference.parse(DEST.server().image("t/stall", "v1")))
                      .destinationCredential(DEST.server().credential())
                      .build());
      assertEquals(dockerAmd64.digest(), r.digest());
      assertAt("t/stall", "v1", dockerAmd64);
      assertEquals(2, proxy.count("GET", "/blobs/" + layer.digest()));
    }
  }

  @Test
  void aTokenRefusedMidCopyIsRenegotiatedAndTheCopyGoesOn() throws Exception {
    // The registry answers one blob GET with 401, as when a bearer token expires mid-copy.
    TestImages.Blob layer = dockerAmd64.blobs().get(1);
    try (FaultProxy proxy = FaultProxy.start(SRC.server())) {
      proxy.inject(FaultProxy.Fault.status("GET", "/blobs/" + layer.digest(), 1, 401));
      CopyResult r =
          copy(
              CopyRequest.builder(
                      SourceLocation.parse("docker://" + proxy.host() + "/lib/single:docker"),
                      ImageReference.parse(DEST.server().image("t/expired", "v1")))
                  .destinationCredential(DEST.server().credential())
                  .build());
      assertEquals(dockerAmd64.digest(), r.digest());
      assertAt("t/expired", "v1", dockerAmd64);
    }
  }

  @Test
  void aTruncatedSourceBlobIsCopiedAgainFromItsHead() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(SRC.server())) {
      TestImages.Blob layer = dockerAmd64.blobs().get(1);
      proxy.inject(FaultProxy.Fault.truncate("GET", "/blobs/" + layer.digest(), 1));
      CopyResult r =
          copy(
              CopyRequest.builder(
                      SourceLocation.parse("docker://" + proxy.host() + "/lib/single:docker"),
                      ImageReference.parse(DEST.server().image("t/truncated", "v1")))
                  .destinationCredential(DEST.server().credential())
                  .build());
      assertEquals(dockerAmd64.digest(), r.digest());
      assertAt("t/truncated", "v1", dockerAmd64);
      assertEquals(2, proxy.count("GET", "/blobs/" + layer.digest()));
    }
  }

  @Test
  void deadlineStopsTheCopyAndNothingIsTagged() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      proxy.inject(FaultProxy.Fault.stall("PUT", "/blobs/uploads/", 100, Duration.ofSeconds(5)));
      DeadlineExceededException e =
          assertThrows(
              DeadlineExceededException.class,
              () ->
                  copy(
                      request(SRC.server(), "lib/single:oci", proxy.host(), "t/deadline:v1")
                          .deadline(Deadline.after(Duration.ofSeconds(2)))
                          .build()));
      assertEquals(amd64.blobs().size(), e.progress().blobsTotal(), e.progress().toString());
      assertTrue(e.getMessage().contains("nothing was tagged"), e.getMessage());
      // The stalled uploads were closed when the copy gave up: nothing can tag it later.
      assertEquals(0, proxy.count("PUT", "/manifests/"), proxy.requests().toString());
      assertNull(DEST.server().http().manifestDigest("t/deadline", "v1"));
    }
  }

  @Test
  void wholeCopyRetryPolicyRepeatsTheCopy() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(DEST.server())) {
      proxy.inject(FaultProxy.Fault.status("PUT", "/manifests/v1", 4, 400));
      Recorder rec = new Recorder();
      CopyResult r =
          copy(
              request(SRC.server(), "lib/single:docker", proxy.host(), "t/policy:v1")
                  .retryPolicy(new RetryPolicy(6, Duration.ofMillis(10), Duration.ofMillis(50)))
                  .listener(rec)
                  .build());
      assertEquals(dockerAmd64.digest(), r.digest());
      assertEquals(5, proxy.count("PUT", "/manifests/v1"));
      assertTrue(
          rec.stages.stream().anyMatch(s -> s.startsWith("attempt 1 of 6 failed")),
          rec.stages.toString());
    }
  }

  @Test
  void s3SourcesWithoutAnS3ClientFailWithAClearMessage() {
    CopyException e =
        assertThrows(
            CopyException.class,
            () ->
                Copier.builder()
                    .build()
                    .copy(
                        CopyRequest.builder(
                                SourceLocation.parse("s3://bucket/key.tar"),
                                ImageReference.parse("example.test/app:v1"))
                            .build()));
    assertTrue(e.getMessage().contains("s3://bucket/key.tar"), e.getMessage());
    assertTrue(e.getMessage().contains("S3 client"), e.getMessage());
  }

  @Test
  void aDestinationThatNeverOpensDoesNotHoldTheCopyPastTheDeadline() throws Exception {
    InMemoryRegistry memory = new InMemoryRegistry();
    Node img = GEN.image(Format.OCI, "linux/amd64").layers(2_000).build();
    ImageReference src = ImageReference.parse("src.example/app:v1");
    RegistryRepository seed = memory.open(src, null, true, true, Deadline.none());
    for (TestImages.Blob b : img.blobs()) {
      seed.pushBlob(new BlobDescriptor(b.digest(), b.size()), b.content().get());
    }
    seed.pushManifest(new RawManifest(img.bytes(), img.mediaType(), img.digest()), "v1");
    // The destination's handshake hangs, deaf to interrupts (a socket read does not wake up).
    // It stays hung until this test has its answer: a copy that waited for it would never return.
    java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    RegistryConnector hanging =
        (ref, credential, push, tlsVerify, deadline) -> {
          while (push && released.getCount() > 0) {
            try {
              released.await();
            } catch (InterruptedException ignored) {
              // keeps hanging
            }
          }
          return memory.open(ref, credential, push, tlsVerify, deadline);
        };
    try {
      assertThrows(
          DeadlineExceededException.class,
          () ->
              Copier.builder()
                  .registries(hanging)
                  .build()
                  .copy(
                      CopyRequest.builder(
                              SourceLocation.parse("docker://" + src),
                              ImageReference.parse("dest.example/app:v1"))
                          .deadline(Deadline.after(Duration.ofMillis(1_500)))
                          .build()));
    } finally {
      released.countDown();
    }
    assertNull(memory.manifest("dest.example/app", "v1"));
  }
}
