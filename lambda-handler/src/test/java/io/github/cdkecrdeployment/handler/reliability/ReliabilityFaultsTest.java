package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Copies under faults, through the production handler: seeded fault-injecting proxies in front of
 * the source registry, the destination registry and the S3 API fault 10 % of all requests (resets
 * before and in the middle of a body, 429 with and without Retry-After, 500/502/503/504, stalls in
 * the middle of a body, BLOB_UPLOAD_UNKNOWN on uploads). Every copy must end with the exact source
 * digest, no request may be repeated beyond the retry bound, and the summary line gives copies,
 * faults injected and the extra requests the retries took. Faults that never clear must fail the
 * copy within its deadline naming the last error, leaving the destination tag as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityFaultsTest {
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.anonymous();
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  /** Seed of the random faults (change it to explore; keep it fixed in the suite). */
  static final long SEED = 20261126L;

  static final double RATE = 0.10;
  static final int IMAGE_COPIES = 50;
  static final int INDEX_COPIES = 10;
  static final int ARCHIVE_COPIES = 10;
  static final int WORKERS = 4;

  /**
   * The bound on one request repeated within one copy: the engine's per-request attempts (6) for
   * each of at most two starts of the blob it belongs to.
   */
  static final int REPEAT_BOUND = 12;

  private static final TestImages GEN = new TestImages(1141);
  private static FaultProxy src;
  private static FaultProxy dest;
  private static FaultProxy s3;
  private static Node image;
  private static Node index;
  private static final Map<String, Integer> totals = new HashMap<>();

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    image = GEN.image(Format.OCI, "linux/amd64").layers(40_000, 20_000, 10_000, 5_000).build();
    index =
        GEN.index(
                Format.OCI,
                GEN.image(Format.OCI, "linux/amd64").layers(8_000, 4_000).build(),
                GEN.image(Format.OCI, "linux/arm64/v8").layers(8_000, 4_000).build(),
                GEN.image(Format.DOCKER, "linux/arm/v7").layers(8_000).build())
            .build();
    // One source repository per copy, so each copy's requests can be told apart.
    for (int i = 0; i < IMAGE_COPIES; i++) {
      GEN.push(SOURCE.server().http(), "img/c" + i, "v1", image);
    }
    for (int i = 0; i < INDEX_COPIES; i++) {
      GEN.push(SOURCE.server().http(), "idx/c" + i, "v1", index);
    }
    src = FaultProxy.start(SOURCE.server());
    dest = FaultProxy.start(DEST.server());
    s3 = FaultProxy.startHttp(S3.endpoint());
  }

  @AfterAll
  static void stop() {
    for (FaultProxy p : new FaultProxy[] {src, dest, s3}) {
      if (p != null) {
        p.close();
      }
    }
  }

  private AwsSettings settings() {
    return aws.settings()
        .credentials(S3ProxyExtension.credentials())
        .s3Endpoint(s3.httpEndpoint())
        .build();
  }

  /** One copy: properties and the digest it must end with. */
  private record Copy(String name, Map<String, String> props, String expectedDigest) {}

  /** Runs copies on {@link #WORKERS} threads, each with its own handler and response URL. */
  private List<JsonNode> runAll(List<Copy> copies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<JsonNode>> results = new ArrayList<>();
      for (Copy c : copies) {
        results.add(
            pool.submit(
                () -> {
                  ResponseUrlServer cfn = new ResponseUrlServer();
                  cfn.start();
                  try {
                    return new Deployments(settings())
                        .run(cfn, CfnEvents.create(cfn.url(), c.props()), Duration.ofMinutes(15));
                  } finally {
                    cfn.stop();
                  }
                }));
      }
      List<JsonNode> out = new ArrayList<>();
      for (Future<JsonNode> f : results) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void faultAll(long seed) {
    src.randomFaults(seed, RATE, Duration.ofMillis(300));
    dest.randomFaults(seed + 1, RATE, Duration.ofMillis(300));
    s3.randomFaults(seed + 2, RATE, Duration.ofMillis(300));
  }

  private static void noFaults() {
    for (FaultProxy p : new FaultProxy[] {src, dest, s3}) {
      p.reset();
    }
  }

  private static int requests() {
    return src.requests().size() + dest.requests().size() + s3.requests().size();
  }

  private static int faults() {
    return src.faultsInjected() + dest.faultsInjected() + s3.faultsInjected();
  }

  /** The largest number of times one request was sent within one copy (keyed by repository). */
  private static int maxRepeat(String repoPrefix) {
    Map<String, Integer> n = new HashMap<>();
    for (FaultProxy p : new FaultProxy[] {src, dest}) {
      for (FaultProxy.Request r : p.requests()) {
        String path = r.path().replaceFirst("\\?.*", "");
        if (!path.contains("/" + repoPrefix) || path.contains("/blobs/uploads/")) {
          continue;
        }
        n.merge(r.method() + " " + path, 1, Integer::sum);
      }
    }
    return n.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  private void check(List<Copy> copies, List<JsonNode> results) throws Exception {
    for (int i = 0; i < copies.size(); i++) {
      JsonNode r = results.get(i);
      Copy c = copies.get(i);
      assertEquals("SUCCESS", r.path("Status").asText(), c.name() + ": " + r);
      assertEquals(c.expectedDigest(), r.path("Data").path("ImageDigest").asText(), c.name());
      String destImage = c.props().get("DestImage");
      String repo = destImage.substring(destImage.indexOf('/', 9) + 1, destImage.lastIndexOf(':'));
      assertEquals(
          c.expectedDigest(), DEST.server().http().manifestDigest(repo, "v1"), c.name() + " tag");
      if (i % 10 == 0) {
        // skopeo, the oracle, sees the same bytes.
        assertEquals(c.expectedDigest(), Skopeo.digest(DEST.server(), repo + ":v1"), c.name());
      }
    }
  }

  private static void summary(
      String what,
      int copies,
      int requestsBefore,
      int faultsBefore,
      int baselinePerCopy,
      int maxRepeat) {
    int reqs = requests() - requestsBefore;
    int f = faults() - faultsBefore;
    int extra = reqs - baselinePerCopy * copies;
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (FaultProxy p : new FaultProxy[] {src, dest, s3}) {
      p.faultCounts().forEach((k, v) -> kinds.merge(k, v, Integer::sum));
    }
    System.out.println(
        "faults summary ["
            + what
            + "]: copies="
            + copies
            + " requests="
            + reqs
            + " faults injected="
            + f
            + " "
            + kinds
            + " retries used (requests beyond the fault-free "
            + baselinePerCopy
            + " per copy)="
            + extra
            + " max repeats of one request="
            + maxRepeat);
    synchronized (totals) {
      totals.merge("copies", copies, Integer::sum);
      totals.merge("faults", f, Integer::sum);
      totals.merge("retries", extra, Integer::sum);
    }
  }

  private static Map<String, String> copyProps(String srcRepo, String destRepo) {
    return new java.util.LinkedHashMap<>(
        CfnEvents.props(
            "docker://" + src.host() + "/" + srcRepo + ":v1",
            "docker://" + dest.host() + "/" + destRepo + ":v1"));
  }

  /** Requests of one copy with no faults (the first source repository, a scratch destination). */
  private int baseline(Map<String, String> props) throws Exception {
    noFaults();
    int before = requests();
    List<JsonNode> r = runAll(List.of(new Copy("baseline", props, null)));
    assertEquals("SUCCESS", r.get(0).path("Status").asText(), r.get(0).toString());
    return requests() - before;
  }

  @Test
  @Order(1)
  void fiftyImageCopiesUnderRandomFaultsEndWithTheSourceDigest() throws Exception {
    int base = baseline(copyProps("img/c0", "baseline/img"));
    noFaults();
    faultAll(SEED);
    List<Copy> copies = new ArrayList<>();
    for (int i = 0; i < IMAGE_COPIES; i++) {
      copies.add(new Copy("image " + i, copyProps("img/c" + i, "out/img" + i), image.digest()));
    }
    List<JsonNode> results = runAll(copies);
    int repeat = maxRepeat("img/c");
    summary("multi-layer image", IMAGE_COPIES, 0, 0, base, repeat);
    assertTrue(faults() > IMAGE_COPIES, "faults were injected: " + faults());
    check(copies, results);
    assertTrue(repeat <= REPEAT_BOUND, "one request sent " + repeat + " times in one copy");
  }

  @Test
  @Order(2)
  void tenIndexCopiesUnderRandomFaultsEndWithTheSourceDigest() throws Exception {
    Map<String, String> p = copyProps("idx/c0", "baseline/idx");
    p.put("CopyImageIndex", "true");
    int base = baseline(p);
    noFaults();
    faultAll(SEED + 10);
    List<Copy> copies = new ArrayList<>();
    for (int i = 0; i < INDEX_COPIES; i++) {
      Map<String, String> props = copyProps("idx/c" + i, "out/idx" + i);
      props.put("CopyImageIndex", "true");
      copies.add(new Copy("index " + i, props, index.digest()));
    }
    List<JsonNode> results = runAll(copies);
    int repeat = maxRepeat("idx/c");
    summary("3-platform index", INDEX_COPIES, 0, 0, base, repeat);
    check(copies, results);
    for (int i = 0; i < INDEX_COPIES; i++) {
      for (Node child : index.children()) {
        assertEquals(
            child.digest(), DEST.server().http().manifestDigest("out/idx" + i, child.digest()));
      }
    }
    assertTrue(repeat <= REPEAT_BOUND, "one request sent " + repeat + " times in one copy");
  }

  @Test
  @Order(3)
  void tenArchiveCopiesUnderRandomFaultsEndWithTheSameDigest() throws Exception {
    ImageArchives.Image img = ImageArchives.image(1142, "amd64", 3, 30_000);
    S3.put(
        "faults",
        "app.tar",
        ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:1.0"))).finish());
    Map<String, String> first =
        new java.util.LinkedHashMap<>(
            CfnEvents.props("s3://faults/app.tar", "docker://" + dest.host() + "/baseline/s3:v1"));
    noFaults();
    int before = requests();
    JsonNode b = runAll(List.of(new Copy("baseline", first, null))).get(0);
    assertEquals("SUCCESS", b.path("Status").asText(), b.toString());
    int base = requests() - before;
    String digest = b.path("Data").path("ImageDigest").asText();
    noFaults();
    faultAll(SEED + 20);
    List<Copy> copies = new ArrayList<>();
    for (int i = 0; i < ARCHIVE_COPIES; i++) {
      copies.add(
          new Copy(
              "archive " + i,
              new java.util.LinkedHashMap<>(
                  CfnEvents.props(
                      "s3://faults/app.tar", "docker://" + dest.host() + "/out/s3-" + i + ":v1")),
              digest));
    }
    List<JsonNode> results = runAll(copies);
    summary("S3 archive", ARCHIVE_COPIES, 0, 0, base, 0);
    assertTrue(s3.faultsInjected() > 0, "the S3 API was faulted too");
    check(copies, results);
  }

  @Test
  @Order(4)
  void aFaultThatNeverClearsFailsInTimeNamingTheLastErrorAndKeepsTheOldTag() throws Exception {
    noFaults();
    Node old = GEN.image(Format.OCI, "linux/amd64").layers(2_000).build();
    GEN.push(DEST.server().http(), "out/never", "v1", old);
    dest.inject(FaultProxy.Fault.status("PUT", "/v2/out/never/manifests/", 1000, 503));
    Map<String, String> props = copyProps("img/c1", "out/never");
    // 50 s of Lambda time: a 20 s deadline after the safety margin.
    String reason =
        assertTimeoutPreemptively(
            Duration.ofSeconds(50),
            () -> {
              ResponseUrlServer cfn = new ResponseUrlServer();
              cfn.start();
              try {
                return Deployments.failedReason(
                    new Deployments(settings())
                        .run(cfn, CfnEvents.create(cfn.url(), props), Duration.ofSeconds(50)));
              } finally {
                cfn.stop();
              }
            });
    assertTrue(reason.contains("HTTP 503"), reason);
    assertTrue(reason.contains("out/never"), reason);
    assertEquals(old.digest(), DEST.server().http().manifestDigest("out/never", "v1"));
    long puts = dest.count("PUT", "/v2/out/never/manifests/");
    assertTrue(puts >= 2 && puts <= 6, "the manifest PUT was retried within its bound: " + puts);
  }

  @Test
  @Order(5)
  void aResetThatNeverClearsFailsInTimeNamingTheLastErrorAndKeepsTheOldTag() throws Exception {
    noFaults();
    Node old = GEN.image(Format.OCI, "linux/amd64").layers(2_000).build();
    GEN.push(DEST.server().http(), "out/reset", "v1", old);
    String layer = image.blobs().get(1).digest();
    src.inject(FaultProxy.Fault.truncate("GET", "/v2/img/c2/blobs/" + layer, 1000));
    Map<String, String> props = copyProps("img/c2", "out/reset");
    String reason =
        assertTimeoutPreemptively(
            Duration.ofSeconds(50),
            () -> {
              ResponseUrlServer cfn = new ResponseUrlServer();
              cfn.start();
              try {
                return Deployments.failedReason(
                    new Deployments(settings())
                        .run(cfn, CfnEvents.create(cfn.url(), props), Duration.ofSeconds(50)));
              } finally {
                cfn.stop();
              }
            });
    assertTrue(reason.contains(layer) || reason.contains("did not finish in time"), reason);
    assertEquals(old.digest(), DEST.server().http().manifestDigest("out/reset", "v1"));
    assertEquals(0, dest.count("PUT", "/v2/out/reset/manifests/"), "no manifest written");
    long gets = src.count("GET", "/v2/img/c2/blobs/" + layer);
    assertTrue(
        gets >= 2 && gets <= REPEAT_BOUND * 3,
        "the blob GET was retried within its bound: " + gets);
    System.out.println(
        "faults summary [totals]: "
            + totals
            + " (never-clearing: manifest PUT 503 and blob reset)");
  }
}
