package io.github.cdkecrdeployment.handler.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.aws.AwsEndpoints;
import io.github.cdkecrdeployment.handler.aws.AwsRetry;
import io.github.cdkecrdeployment.handler.aws.S3Objects;
import io.github.cdkecrdeployment.handler.aws.SignedCall;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.DeadlineExceededException;
import io.github.cdkecrdeployment.handler.copy.RetryPolicy;
import io.github.cdkecrdeployment.handler.copy.Selection;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.ImageArchives.Image;
import io.github.cdkecrdeployment.handler.testing.InMemoryRegistry;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

class ArchiveCopyTest {
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "archives";
  private static final ImageReference DEST =
      ImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1");
  private static final int BLOCK = 4096;

  private final InMemoryRegistry registry = new InMemoryRegistry();

  private S3Objects client(AwsSettings settings) {
    return Copier.s3Client(settings);
  }

  private Copier copier() {
    return copier(registry);
  }

  /** A copier reading from the test S3 with valid credentials, pushing to {@code to}. */
  private Copier copier(InMemoryRegistry to) {
    return copier(to, () -> client(S3.settings()), BLOCK);
  }

  private static Copier copier(
      InMemoryRegistry to, java.util.function.Supplier<S3Objects> s3, int block) {
    return Copier.builder()
        .registries(to)
        .s3(s3)
        .archiveBlockSize(block)
        .blobRetry(new RequestRetry(3, Duration.ofMillis(10), Duration.ofMillis(50)))
        .build();
  }

  private CopyResult copy(String uri, Selection selection, Map<String, String> archTags)
      throws Exception {
    return copier()
        .copy(
            CopyRequest.builder(SourceLocation.parse(uri), DEST)
                .selection(selection)
                .archTags(archTags)
                .build());
  }

  private CopyResult copy(String uri) throws Exception {
    return copy(uri, Selection.defaultPlatform(), Map.of());
  }

  private String failure(String uri) {
    return assertThrows(CopyException.class, () -> copy(uri)).getMessage();
  }

  /** A docker save archive (legacy layout) holding only {@code img}, tagged {@code app:v1}. */
  private static byte[] legacyTar(Image img) {
    return ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:v1"))).finish();
  }

  /** Checks the pushed docker save image: config byte-exact, layers gzip of the originals. */
  private void assertDockerSaveImage(CopyResult result, Image img) throws IOException {
    RawManifest m = registry.manifest(DEST.repositoryUri(), "v1");
    assertNotNull(m);
    assertEquals(m.digest(), result.digest());
    assertEquals("application/vnd.docker.distribution.manifest.v2+json", m.mediaType());
    JsonNode json = JSON.readTree(m.bytes());
    assertEquals(img.configDigest(), json.path("config").path("digest").asText());
    assertArrayEquals(img.config(), registry.blob(img.configDigest()));
    assertEquals(img.layers().size(), json.path("layers").size());
    for (int i = 0; i < img.layers().size(); i++) {
      JsonNode l = json.path("layers").get(i);
      assertEquals(
          "application/vnd.docker.image.rootfs.diff.tar.gzip", l.path("mediaType").asText());
      byte[] gz = registry.blob(l.path("digest").asText());
      assertEquals(gz.length, l.path("size").asLong());
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
        assertArrayEquals(img.layers().get(i), in.readAllBytes(), "layer " + i);
      }
    }
    List<String> ops = registry.operations();
    assertEquals("manifest " + DEST.repositoryUri() + ":v1", ops.get(ops.size() - 1));
    assertEquals(1, ops.stream().filter(o -> o.startsWith("manifest")).count());
  }

  @Test
  void copiesLegacyDockerSave() throws Exception {
    Image img = ImageArchives.image(1, "amd64", 3, 20_000);
    S3.put(BUCKET, "legacy.tar", legacyTar(img));
    CopyResult r = copy("s3://" + BUCKET + "/legacy.tar");
    assertDockerSaveImage(r, img);
    assertFalse(r.pushedNothing());
    assertEquals(4, r.progress().blobsDone());
    assertEquals(4, r.progress().blobsTotal());
  }

  @Test
  void copiesGzippedLegacyDockerSaveTheSame() throws Exception {
    Image img = ImageArchives.image(2, "amd64", 2, 50_000);
    byte[] tar = legacyTar(img);
    S3.put(BUCKET, "legacy.tar.gz", ImageArchives.gzip(tar));
    CopyResult r = copy("s3://" + BUCKET + "/legacy.tar.gz:app:v1");
    assertDockerSaveImage(r, img);
  }

  @Test
  void readsAnArchiveWhoseSizeIsAnExactMultipleOfTheReadBlock() throws Exception {
    Image img = ImageArchives.image(3, "amd64", 2, 10_000);
    TarWriter w = ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:v1")));
    int size = ((w.withoutEnd().length + 1024) / BLOCK + 1) * BLOCK;
    byte[] tar = w.finishPaddedTo(size);
    assertEquals(0, tar.length % BLOCK);
    S3.put(BUCKET, "exact.tar", tar);
    assertDockerSaveImage(copy("s3://" + BUCKET + "/exact.tar"), img);
  }

  @Test
  void readsAnArchiveOfExactlyOneBlockWithLayerEndingAtTheBlockEnd() throws Exception {
    byte[] t = new TarWriter().file("manifest.json", "[]").finishPaddedTo(BLOCK);
    S3.put(BUCKET, "one-block.tar", t);
    assertTrue(failure("s3://" + BUCKET + "/one-block.tar").contains("lists no images"));
  }

  @Test
  void copiesDocker25OciLayoutByNormalisedRepoTag() throws Exception {
    Image img = ImageArchives.image(4, "amd64", 2, 30_000);
    S3.put(BUCKET, "docker25.tar", ImageArchives.dockerSaveOci(img, "app:v1").finish());
    assertDockerSaveImage(copy("s3://" + BUCKET + "/docker25.tar:docker.io/library/app:v1"), img);
  }

  @Test
  void copiesADocker25ArchiveWithCompressedLayersByteExact() throws Exception {
    // The containerd image store's docker save keeps the registry's gzip'd layers: its OCI
    // manifest is the image's own and must arrive unchanged, digest and all.
    Image img = ImageArchives.image(41, "amd64", 2, 20_000);
    ImageArchives.OciArchive a = ImageArchives.dockerSaveOci(img, "app:v1", true);
    S3.put(BUCKET, "containerd.tar", a.tar().finish());
    CopyResult r = copy("s3://" + BUCKET + "/containerd.tar:app:v1");
    assertEquals(a.manifestDigests().get(0), r.digest());
    assertEquals(
        "application/vnd.oci.image.manifest.v1+json",
        registry.manifest(DEST.repositoryUri(), "v1").mediaType());
  }

  @Test
  void picksImagesByRepoTagOrIndexAndListsThemWhenAmbiguous() throws Exception {
    Image a = ImageArchives.image(5, "amd64", 1, 5_000);
    Image b = ImageArchives.image(6, "amd64", 1, 5_000);
    S3.put(
        BUCKET,
        "two.tar",
        ImageArchives.dockerSaveLegacy(
                List.of(a, b), List.of(List.of("nginx:latest"), List.of("example.com/b:1")))
            .finish());
    assertEquals(
        "s3://archives/two.tar holds 2 images (@0: nginx:latest, @1: example.com/b:1); pick one"
            + " with S3ArchiveName's ref, e.g. s3://…:nginx:latest",
        failure("s3://" + BUCKET + "/two.tar"));
    assertEquals(
        "s3://archives/two.tar has no image 'other:1'; it holds @0: nginx:latest, @1:"
            + " example.com/b:1; use one of those or @N",
        failure("s3://" + BUCKET + "/two.tar:other:1"));
    assertEquals(
        "s3://archives/two.tar has no image @2: it holds 2 (@0: nginx:latest, @1:"
            + " example.com/b:1); use @0 to @1 or a tag",
        failure("s3://" + BUCKET + "/two.tar:@2"));
    copy("s3://" + BUCKET + "/two.tar:@1");
    assertEquals(
        b.configDigest(),
        JSON.readTree(registry.manifest(DEST.repositoryUri(), "v1").bytes())
            .path("config")
            .path("digest")
            .asText());
    copy("s3://" + BUCKET + "/two.tar:docker.io/library/nginx");
    assertEquals(
        a.configDigest(),
        JSON.readTree(registry.manifest(DEST.repositoryUri(), "v1").bytes())
            .path("config")
            .path("digest")
            .asText());
  }

  @Test
  void copiesOciArchiveByteExactWithPlatformSelection() throws Exception {
    Image amd = ImageArchives.image(7, "amd64", 2, 8_000);
    Image arm = ImageArchives.image(8, "arm64", 2, 8_000);
    ImageArchives.OciArchive oci =
        ImageArchives.ociArchive(List.of(amd, arm), List.of("amd64", "arm64/v8"), "v1");
    S3.put(BUCKET, "oci.tar", oci.tar().finish());

    CopyResult def = copy("s3://" + BUCKET + "/oci.tar");
    assertEquals(oci.manifestDigests().get(0), def.digest());
    assertArrayEquals(amd.config(), registry.blob(amd.configDigest()));
    assertTrue(registry.blob(arm.configDigest()) == null, "only the amd64 image is copied");

    CopyResult arm64 = copy("s3://" + BUCKET + "/oci.tar:v1", Selection.arch("arm64"), Map.of());
    assertEquals(oci.manifestDigests().get(1), arm64.digest());

    CopyResult all =
        copy("s3://" + BUCKET + "/oci.tar:@0", Selection.all(), Map.of("arm64", "v1-arm64"));
    assertEquals(oci.indexDigest(), all.digest());
    assertEquals(
        oci.manifestDigests().get(1), registry.manifest(DEST.repositoryUri(), "v1-arm64").digest());
    List<String> ops = registry.operations();
    assertEquals("manifest " + DEST.repositoryUri() + ":v1", ops.get(ops.size() - 1));

    // Same digest already at the tag: nothing is pushed.
    int before = registry.operations().size();
    assertTrue(copy("s3://" + BUCKET + "/oci.tar", Selection.all(), Map.of()).pushedNothing());
    assertEquals(before, registry.operations().size());

    String noPlatform =
        assertThrows(
                CopyException.class,
                () -> copy("s3://" + BUCKET + "/oci.tar", Selection.arch("s390x"), Map.of()))
            .getMessage();
    // The one platform rule of every source, worded the same as for a registry source.
    assertEquals(
        "s3://archives/oci.tar (@0: v1) has no linux/s390x image; its index offers linux/amd64,"
            + " linux/arm64/v8 — set ImageArch (--arch) to one of them, or CopyImageIndex (--all)",
        noPlatform);
  }

  @Test
  void missingObjectBucketAndBadCredentialsAreClearErrors() throws Exception {
    S3.createBucket(BUCKET);
    assertEquals(
        "S3 object s3://archives/nope.tar does not exist (HTTP 404 NoSuchKey); check the key, or"
            + " upload the archive before deploying",
        failure("s3://" + BUCKET + "/nope.tar"));
    assertEquals(
        "the S3 bucket of s3://no-such-bucket/x.tar does not exist (HTTP 404 NoSuchBucket);"
            + " check the bucket name of the S3ArchiveName source",
        failure("s3://no-such-bucket/x.tar"));
    AwsSettings wrong =
        AwsSettings.builder()
            .region(Region.US_EAST_1)
            .credentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDWRONG", "wrong")))
            .s3Endpoint(S3.endpoint())
            .build();
    S3.put(BUCKET, "private.tar", new TarWriter().file("x", "y").finish());
    String denied =
        assertThrows(
                CopyException.class,
                () ->
                    copier(registry, () -> client(wrong), BLOCK)
                        .copy(
                            CopyRequest.builder(
                                    SourceLocation.parse("s3://" + BUCKET + "/private.tar"), DEST)
                                .build()))
            .getMessage();
    assertTrue(
        denied.startsWith("access denied reading S3 object s3://archives/private.tar (HTTP 403"),
        denied);
    assertTrue(
        denied.endsWith(
            "grant the handler's role s3:GetObject on it (and kms:Decrypt for SSE-KMS)"),
        denied);
  }

  @Test
  void emptyTruncatedCorruptAndForeignArchivesAreClearErrors() throws Exception {
    S3.put(BUCKET, "empty.tar", new byte[0]);
    assertEquals(
        "S3 object s3://archives/empty.tar is empty; upload a docker save or OCI archive tarball"
            + " there",
        failure("s3://" + BUCKET + "/empty.tar"));

    Image img = ImageArchives.image(9, "amd64", 1, 40_000);
    byte[] tar = legacyTar(img);
    S3.put(BUCKET, "cut.tar", Arrays.copyOf(tar, 30_000));
    String cut = failure("s3://" + BUCKET + "/cut.tar");
    assertTrue(cut.startsWith("s3://archives/cut.tar is truncated: an entry needs "), cut);
    assertTrue(
        cut.endsWith(" bytes but the object has 30000; upload the complete archive again"), cut);

    byte[] gz = ImageArchives.gzip(tar);
    S3.put(BUCKET, "cut.tar.gz", Arrays.copyOf(gz, gz.length / 2));
    String cutGz = failure("s3://" + BUCKET + "/cut.tar.gz");
    assertEquals(
        "s3://archives/cut.tar.gz is truncated: its gzip stream ends early (Unexpected end of ZLIB"
            + " input stream); upload the complete archive again",
        cutGz);

    byte[] corrupt = tar.clone();
    corrupt[0] ^= 0x55;
    S3.put(BUCKET, "corrupt.tar", corrupt);
    assertEquals(
        "s3://archives/corrupt.tar is not a valid tar archive: a tar header with a bad checksum at"
            + " byte 0; upload the unmodified output of docker save (optionally gzip'd) or an OCI"
            + " archive",
        failure("s3://" + BUCKET + "/corrupt.tar"));

    S3.put(BUCKET, "files.tar", new TarWriter().file("hello.txt", "hi").finish());
    assertEquals(
        "s3://archives/files.tar has neither manifest.json nor index.json, so it is not a docker"
            + " save or OCI archive; create it with `docker save IMAGE | gzip > image.tar.gz` or"
            + " skopeo copy oci-archive:",
        failure("s3://" + BUCKET + "/files.tar"));
  }

  @Test
  void retriesABlobThenTheWholeCopyAsRetryConfigsSays() throws Exception {
    Image img = ImageArchives.image(13, "amd64", 2, 5_000);
    S3.put(BUCKET, "retry.tar", legacyTar(img));
    CopyRequest.Builder once =
        CopyRequest.builder(SourceLocation.parse("s3://" + BUCKET + "/retry.tar"), DEST)
            .parallelism(1);
    // Two 503s: absorbed by the per-blob retry (3 attempts in this test).
    registry.failNextPushes(2);
    assertDockerSaveImage(copier().copy(once.build()), img);

    // Three 503s exhaust one blob's attempts: the copy fails and tags nothing...
    InMemoryRegistry fresh = new InMemoryRegistry();
    fresh.failNextPushes(3);
    CopyException e = assertThrows(CopyException.class, () -> copier(fresh).copy(once.build()));
    assertEquals(
        "copying s3://archives/retry.tar to "
            + DEST
            + " failed: pushing a blob failed with HTTP"
            + " 503 UNAVAILABLE",
        e.getMessage());
    assertNull(fresh.manifest(DEST.repositoryUri(), "v1"), "nothing is tagged");

    // ...unless RetryConfigs allows another attempt of the whole copy.
    fresh.failNextPushes(3);
    CopyResult r =
        copier(fresh)
            .copy(
                once.retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)))
                    .build());
    assertEquals(r.digest(), fresh.manifest(DEST.repositoryUri(), "v1").digest());
  }

  @Test
  void stopsAtTheDeadline() throws Exception {
    Image img = ImageArchives.image(14, "amd64", 1, 5_000);
    S3.put(BUCKET, "late.tar", legacyTar(img));
    DeadlineExceededException e =
        assertThrows(
            DeadlineExceededException.class,
            () ->
                copier()
                    .copy(
                        CopyRequest.builder(
                                SourceLocation.parse("s3://" + BUCKET + "/late.tar"), DEST)
                            .deadline(Deadline.at(Instant.now().minusSeconds(1)))
                            .build()));
    assertEquals(0, e.progress().blobsDone());
    assertNull(registry.manifest(DEST.repositoryUri(), "v1"));
  }

  @Test
  void aBlobPushThatHangsPastTheDeadlineDoesNotHoldTheCopy() throws Exception {
    Image img = ImageArchives.image(15, "amd64", 2, 5_000);
    S3.put(BUCKET, "hang.tar", legacyTar(img));
    // The config goes through; every layer push hangs until the copy has answered: a copy that
    // waited for one would never return.
    java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    registry.stallStreamedPushesUntil(released);
    Copier copier = copier();
    CopyRequest request =
        CopyRequest.builder(SourceLocation.parse("s3://" + BUCKET + "/hang.tar"), DEST)
            .deadline(Deadline.after(Duration.ofMillis(1_500)))
            .build();
    try {
      assertThrows(DeadlineExceededException.class, () -> copier.copy(request));
    } finally {
      released.countDown();
    }
    assertNull(registry.manifest(DEST.repositoryUri(), "v1"));
  }

  @Test
  void readsPaxLongNames() throws Exception {
    String longName = "blobs/" + "d".repeat(120) + "/layer.tar";
    byte[] tar =
        new TarWriter().file(longName, "payload-1").file("short.json", "{\"a\":1}").finish();
    TarReader r = new TarReader(new ByteArrayInputStream(tar), "t.tar", tar.length);
    TarReader.Entry e = r.next();
    assertEquals(longName, e.name());
    assertEquals(9, e.size());
    assertEquals("payload-1", new String(r.readData(100), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("short.json", r.next().name());
    assertNull(r.next());
  }

  @Test
  void compressesDeterministicallyAndLosslessly() throws Exception {
    Random rnd = new Random(5);
    for (int size : new int[] {0, 1, 65_535, 65_536, 1_000_003}) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      if (size > 10) {
        Arrays.fill(data, 0, size / 2, (byte) 'a');
      }
      byte[] gz1 = new GzipCompressingInputStream(new ByteArrayInputStream(data)).readAllBytes();
      byte[] gz2 = new GzipCompressingInputStream(new ByteArrayInputStream(data)).readAllBytes();
      assertArrayEquals(gz1, gz2, "deterministic for " + size);
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz1))) {
        assertArrayEquals(data, in.readAllBytes(), "round trip of " + size);
      }
    }
  }

  @Test
  void aPlainTarIsDownloadedOnceLayersAreSkippedBySeekingWhileScanning() throws Exception {
    Image img = ImageArchives.image(15, "amd64", 3, 1_000_000);
    byte[] tar = legacyTar(img);
    S3.put(BUCKET, "big.tar", tar);
    AtomicLong fetched = new AtomicLong();
    // The body bytes of every successful GET, counted where they arrive: the HTTP client.
    SdkHttpClient http = UrlConnectionHttpClient.create();
    SdkHttpClient countingHttp =
        new SdkHttpClient() {
          @Override
          public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            ExecutableHttpRequest exchange = http.prepareRequest(request);
            return new ExecutableHttpRequest() {
              @Override
              public HttpExecuteResponse call() throws IOException {
                HttpExecuteResponse response = exchange.call();
                if (request.httpRequest().method() == SdkHttpMethod.GET
                    && response.httpResponse().isSuccessful()) {
                  fetched.addAndGet(
                      Long.parseLong(
                          response.httpResponse().firstMatchingHeader("Content-Length").get()));
                }
                return response;
              }

              @Override
              public void abort() {
                exchange.abort();
              }
            };
          }

          @Override
          public void close() {
            http.close();
          }
        };
    S3Objects counting =
        new S3Objects(
            AwsEndpoints.of(S3.settings()),
            new SignedCall(countingHttp, S3ProxyExtension.credentials()),
            AwsRetry.STANDARD,
            "us-east-1");
    CopyResult r =
        copier(registry, () -> counting, 64 * 1024)
            .copy(
                CopyRequest.builder(SourceLocation.parse("s3://" + BUCKET + "/big.tar"), DEST)
                    .build());
    assertDockerSaveImage(r, img);
    // Ranges asked for: every layer once, plus little more than the small files while scanning.
    long layers = img.layers().stream().mapToLong(l -> l.length).sum();
    assertTrue(fetched.get() >= layers, fetched + " < " + layers);
    assertTrue(
        fetched.get() < layers + 3 * 64 * 1024 + 100_000,
        "fetched " + fetched.get() + " bytes for an archive of " + tar.length);
  }

  @Test
  void followsTheSymlinksDockerSaveWritesForSharedLayers() throws Exception {
    Image img = ImageArchives.image(16, "amd64", 1, 8_000);
    byte[] layer = img.layers().get(0);
    String configName = img.configDigest().substring(7) + ".json";
    byte[] tar =
        new TarWriter()
            .directory("aaaa")
            .file("aaaa/layer.tar", layer)
            .directory("bbbb")
            .symlink("bbbb/layer.tar", "../aaaa/layer.tar")
            .file(configName, img.config())
            .file(
                "manifest.json",
                "[{\"Config\":\""
                    + configName
                    + "\",\"RepoTags\":[\"app:v1\"],\"Layers\":[\"bbbb/layer.tar\"]}]")
            .finish();
    S3.put(BUCKET, "linked.tar.gz", ImageArchives.gzip(tar));
    S3.put(BUCKET, "linked.tar", tar);
    CopyResult gz = copy("s3://" + BUCKET + "/linked.tar.gz");
    assertDockerSaveImage(gz, img);
    assertEquals(gz.digest(), copy("s3://" + BUCKET + "/linked.tar").digest());
  }
}
