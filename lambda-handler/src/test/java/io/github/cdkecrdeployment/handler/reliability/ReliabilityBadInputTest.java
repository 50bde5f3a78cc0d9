package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.MediaTypes;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.TarWriter;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The deploy-time bad-input catalogue: every case is a Create event through the production handler
 * against a real registry (docker-registry, TLS, basic auth) behind a {@link FaultProxy} and an S3
 * API, and asserts the FAILED reason names the bad value and the fix, and that nothing was pushed:
 * no write request reached the destination (input errors), or no manifest was written and the tag
 * is absent (errors found while copying). The synth-time half is {@code
 * io.github.cdkecrdeployment.SynthTimeBadInputTest} in the construct module.
 */
class ReliabilityBadInputTest {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.basic();
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.basic();
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREDS = RegistryServer.USER + ":" + RegistryServer.PASSWORD;
  private static final TestImages GEN = new TestImages(1101);
  private static FaultProxy proxy;
  private static FaultProxy srcProxy;
  private static String srcHost;
  private static Node image;
  private static Node index;
  private static String host;

  /** How a case ends. */
  enum Stage {
    /** Refused before any request to the destination. */
    INPUT,
    /** Found while copying: no manifest written, the tag absent. */
    COPY
  }

  /**
   * One bad input.
   *
   * @param name what is wrong
   * @param stage when it is found
   * @param props the resource properties (given the registry host)
   * @param setup faults, secrets, objects (given the test)
   * @param expected fragments of the reason: the bad value and the fix
   */
  record Case(
      String name,
      Stage stage,
      java.util.function.Function<String, Map<String, String>> props,
      Consumer<ReliabilityBadInputTest> setup,
      List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    RegistryServer r = SOURCE.server();
    image = GEN.image(Format.OCI, "linux/amd64").layers(20_000, 5_000).build();
    GEN.push(r.http(), "seed/app", "v1", image);
    index =
        GEN.index(
                Format.OCI,
                GEN.image(Format.OCI, "linux/amd64").layers(4_000).build(),
                GEN.image(Format.OCI, "linux/arm64/v8").layers(4_000).build())
            .build();
    GEN.push(r.http(), "seed/multi", "v1", index);
    srcProxy = FaultProxy.start(r);
    srcHost = srcProxy.host();
    proxy = FaultProxy.start(REGISTRY.server());
    host = proxy.host();

    ImageArchives.Image img = ImageArchives.image(1102, "amd64", 2, 5_000);
    byte[] tar = ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:1.0"))).finish();
    S3.put("bad-input", "app.tar", tar);
    S3.put("bad-input", "truncated.tar", Arrays.copyOf(tar, tar.length / 2));
    S3.put(
        "bad-input",
        "no-manifest.tar",
        new TarWriter().file("layer.tar", new byte[2048]).file("config.json", "{}").finish());
    byte[] garbage = new byte[10_000];
    new java.util.Random(7).nextBytes(garbage);
    S3.put("bad-input", "garbage.tar.gz", ImageArchives.gzip(garbage));
  }

  @AfterAll
  static void stop() {
    for (FaultProxy p : new FaultProxy[] {proxy, srcProxy}) {
      if (p != null) {
        p.close();
      }
    }
  }

  @BeforeEach
  void clearProxy() {
    proxy.reset();
    srcProxy.reset();
  }

  private AwsSettings settings(boolean goodS3Credentials) {
    return aws.settings()
        .credentials(
            goodS3Credentials
                ? S3ProxyExtension.credentials()
                : StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyExtension.ACCESS_KEY, "not-the-secret-key")))
        .s3Endpoint(S3.endpoint())
        .build();
  }

  private static Map<String, String> props(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A copy of seed/app:v1 to bad/{repo}:v1 with working credentials plus {@code extra}. */
  private static java.util.function.Function<String, Map<String, String>> copy(
      String repo, String... extra) {
    return h -> {
      Map<String, String> m =
          props(
              "SrcImage",
              "docker://" + srcHost + "/seed/app:v1",
              "SrcCreds",
              CREDS,
              "DestImage",
              "docker://" + h + "/bad/" + repo + ":v1",
              "DestCreds",
              CREDS);
      for (int i = 0; i < extra.length; i += 2) {
        if (extra[i + 1] == null) {
          m.remove(extra[i]);
        } else {
          m.put(extra[i], extra[i + 1]);
        }
      }
      return m;
    };
  }

  private static Case input(
      String name, java.util.function.Function<String, Map<String, String>> p, String... expected) {
    return new Case(name, Stage.INPUT, p, t -> {}, List.of(expected));
  }

  private static Case copying(
      String name,
      java.util.function.Function<String, Map<String, String>> p,
      Consumer<ReliabilityBadInputTest> setup,
      String... expected) {
    return new Case(name, Stage.COPY, p, setup, List.of(expected));
  }

  private static final String RETRY_EXAMPLE = "{\"numAttempts\":3,\"baseDelay\":1,\"maxDelay\":30}";

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    // SrcImage / DestImage references.
    c.add(
        input(
            "SrcImage missing",
            copy("x", "SrcImage", null),
            "SrcImage is missing",
            "set it to docker://"));
    c.add(
        input(
            "SrcImage empty",
            copy("x", "SrcImage", ""),
            "SrcImage is missing",
            "set it to docker://"));
    c.add(
        input(
            "SrcImage whitespace",
            copy("x", "SrcImage", "   "),
            "SrcImage is missing",
            "set it to docker://"));
    c.add(
        input(
            "SrcImage upper case",
            h ->
                copy("x").apply(h).entrySet().stream()
                    .collect(
                        LinkedHashMap::new,
                        (m, e) ->
                            m.put(
                                e.getKey(),
                                e.getKey().equals("SrcImage")
                                    ? "docker://" + h + "/Seed/App:v1"
                                    : e.getValue()),
                        Map::putAll),
            "'Seed/App' is not a valid repository name",
            "lower-case letters"));
    c.add(
        input(
            "SrcImage bad digest",
            h ->
                with(
                    copy("x").apply(h), "SrcImage", "docker://" + srcHost + "/seed/app@sha256:abc"),
            "sha256:abc",
            "64"));
    c.add(
        input(
            "SrcImage double transport",
            h ->
                with(
                    copy("x").apply(h),
                    "SrcImage",
                    "docker://docker://" + srcHost + "/seed/app:v1"),
            "'docker://{src}/seed/app:v1'",
            "use [registry[:port]/]repository[:tag][@sha256:digest]"));
    c.add(
        input(
            "SrcImage unsupported transport",
            h -> with(copy("x").apply(h), "SrcImage", "oci-archive:/tmp/app.tar"),
            "oci-archive:/tmp/app.tar",
            "docker://"));
    c.add(
        input(
            "SrcImage without transport",
            h -> with(copy("x").apply(h), "SrcImage", srcHost + "/seed/app:v1"),
            "{src}/seed/app:v1",
            "docker://"));
    c.add(
        input(
            "SrcImage with inner whitespace",
            h -> with(copy("x").apply(h), "SrcImage", "docker://" + srcHost + "/seed/app :v1"),
            "'seed/app ' is not a valid repository name",
            "use [registry[:port]/]repository[:tag][@sha256:digest]"));
    c.add(
        input(
            "SrcImage bad tag",
            h -> with(copy("x").apply(h), "SrcImage", "docker://" + srcHost + "/seed/app:-v1"),
            "-v1",
            "tag"));
    c.add(
        input(
            "DestImage missing",
            copy("x", "DestImage", null),
            "DestImage is missing",
            "docker://REPOSITORY:TAG"));
    c.add(
        input(
            "DestImage s3",
            copy("x", "DestImage", "s3://bucket/key.tar"),
            "s3://bucket/key.tar",
            "the destination must be a registry image"));
    c.add(
        input(
            "DestImage upper case",
            h -> with(copy("x").apply(h), "DestImage", "docker://" + h + "/Bad/App:v1"),
            "'Bad/App' is not a valid repository name",
            "lower-case letters"));
    // Selection properties.
    c.add(
        input(
            "ImageArch malformed",
            copy("x", "ImageArch", "ARM 64"),
            "ARM 64",
            "amd64, arm64 or arm/v7"));
    c.add(
        input(
            "CopyImageIndex not boolean",
            copy("x", "CopyImageIndex", "yes"),
            "'yes'",
            "\"true\" or \"false\""));
    c.add(
        input(
            "ImageArch with CopyImageIndex",
            copy("x", "ImageArch", "arm64", "CopyImageIndex", "true"),
            "ImageArch and CopyImageIndex cannot both be set",
            "set imageArch"));
    c.add(
        input(
            "ArchImageTags without CopyImageIndex",
            copy("x", "ArchImageTags", "{\"arm64\":\"v1-arm64\"}"),
            "ArchImageTags can only be specified when CopyImageIndex",
            "set copyImageIndex to true"));
    c.add(
        input(
            "ArchImageTags not JSON",
            copy("x", "CopyImageIndex", "true", "ArchImageTags", "arm64=v1"),
            "'arm64=v1'",
            "not JSON"));
    c.add(
        input(
            "ArchImageTags bad tag",
            copy("x", "CopyImageIndex", "true", "ArchImageTags", "{\"arm64\":\"v1 arm\"}"),
            "\"v1 arm\" is not a tag",
            "v1-arm64"));
    // RetryConfigs.
    c.add(
        input(
            "RetryConfigs unknown key",
            copy("x", "RetryConfigs", "{\"attempts\":3}"),
            "unknown key 'attempts'",
            "numAttempts, baseDelay and maxDelay"));
    c.add(
        input(
            "RetryConfigs negative delay",
            copy("x", "RetryConfigs", "{\"baseDelay\":-1}"),
            "baseDelay -1",
            "above 0"));
    c.add(
        input(
            "RetryConfigs zero attempts",
            copy("x", "RetryConfigs", "{\"numAttempts\":0}"),
            "numAttempts 0",
            "at least 1"));
    c.add(
        input(
            "RetryConfigs base above max",
            copy("x", "RetryConfigs", "{\"baseDelay\":10,\"maxDelay\":2}"),
            "baseDelay 10 is greater than maxDelay 2",
            "make baseDelay at most maxDelay"));
    c.add(
        input(
            "RetryConfigs not JSON",
            copy("x", "RetryConfigs", "numAttempts=3"),
            "'numAttempts=3'",
            RETRY_EXAMPLE));
    // Credentials.
    c.add(
        copying(
            "wrong password (401)",
            copy("unauthorized", "DestCreds", RegistryServer.USER + ":wrong-password"),
            t -> {},
            "push to {host}/bad/unauthorized:v1 denied (HTTP 401)",
            "check DestCreds"));
    c.add(
        copying(
            "forbidden (403)",
            copy("forbidden"),
            t ->
                proxy.inject(
                    FaultProxy.Fault.status(
                        "POST", "/v2/bad/forbidden/blobs/uploads/", 100, 403, "DENIED")),
            "denied (HTTP 403)",
            "user 'tester' must be allowed to push to {host}/bad/forbidden"));
    c.add(
        copying(
            "secret missing",
            copy("secret-missing", "DestCreds", "no-such-secret"),
            t -> {},
            "no-such-secret",
            "DestCreds"));
    c.add(
        copying(
            "secret empty",
            copy("secret-empty", "DestCreds", "empty-secret"),
            t -> t.aws.secret("empty-secret", ""),
            "empty-secret",
            "username"));
    c.add(
        copying(
            "secret binary",
            copy("secret-binary", "DestCreds", "binary-secret"),
            t -> t.aws.binarySecret("binary-secret", new byte[] {1, 2, 3}),
            "binary-secret",
            "binary"));
    c.add(
        copying(
            "secret malformed JSON",
            copy("secret-json", "DestCreds", "json-secret"),
            t -> t.aws.secret("json-secret", "{\"username\":\"tester\","),
            "json-secret",
            "{\"username\""));
    c.add(
        copying(
            "secret without password",
            copy("secret-nopw", "DestCreds", "nopw-secret"),
            t -> t.aws.secret("nopw-secret", "{\"username\":\"tester\"}"),
            "nopw-secret",
            "password"));
    // Registry content.
    c.add(
        copying(
            "source repository missing",
            h ->
                with(
                    copy("repo-missing").apply(h),
                    "SrcImage",
                    "docker://" + srcHost + "/seed/nothing-here:v1"),
            t -> {},
            "pull from {src}/seed/nothing-here:v1 not found (HTTP 404)",
            "check that the tag or digest exists in {src}/seed/nothing-here"));
    c.add(
        copying(
            "source tag missing",
            h ->
                with(
                    copy("tag-missing").apply(h),
                    "SrcImage",
                    "docker://" + srcHost + "/seed/app:v9"),
            t -> {},
            "pull from {src}/seed/app:v9 not found (HTTP 404)",
            "check that the tag or digest exists"));
    c.add(
        copying(
            "arch not in the index",
            h ->
                with(
                    copy("no-arch", "ImageArch", "s390x").apply(h),
                    "SrcImage",
                    "docker://" + srcHost + "/seed/multi:v1"),
            t -> {},
            "s390x",
            "linux/arm64"));
    c.add(
        copying(
            "index child missing at the source",
            h ->
                with(
                    copy("child-missing", "CopyImageIndex", "true").apply(h),
                    "SrcImage",
                    "docker://" + srcHost + "/seed/multi:v1"),
            t ->
                srcProxy.inject(
                    FaultProxy.Fault.status(
                        "GET",
                        "/v2/seed/multi/manifests/" + index.children().get(1).digest(),
                        100,
                        404,
                        "MANIFEST_UNKNOWN")),
            index.children().get(1).digest(),
            "seed/multi"));
    c.add(
        copying(
            "blob not matching its digest",
            copy("corrupt-blob"),
            t ->
                srcProxy.inject(
                    FaultProxy.Fault.corrupt(
                        "GET",
                        "/v2/seed/app/blobs/"
                            + image.blobs().get(image.blobs().size() - 1).digest(),
                        100)),
            image.blobs().get(image.blobs().size() - 1).digest(),
            "provided digest did not match uploaded content"));
    // S3 archives.
    c.add(
        copying(
            "S3 key missing",
            s3("no-such-key.tar", "s3-key"),
            t -> {},
            "S3 object s3://bad-input/no-such-key.tar does not exist (HTTP 404 NoSuchKey)",
            "check the key, or upload the archive before deploying"));
    c.add(
        copying(
            "S3 bucket missing",
            h ->
                with(
                    s3("app.tar", "s3-bucket").apply(h), "SrcImage", "s3://no-such-bucket/app.tar"),
            t -> {},
            "the S3 bucket of s3://no-such-bucket/app.tar does not exist",
            "check the bucket name"));
    c.add(
        new Case(
            "S3 access denied",
            Stage.COPY,
            s3("app.tar", "s3-denied"),
            t -> t.badS3 = true,
            List.of("s3://bad-input/app.tar", "s3:GetObject")));
    c.add(
        copying(
            "S3 archive without the tag",
            h ->
                with(
                    s3("app.tar", "s3-tag").apply(h),
                    "SrcImage",
                    "s3://bad-input/app.tar:other:2.0"),
            t -> {},
            "other:2.0",
            "app:1.0"));
    c.add(
        copying(
            "S3 truncated tar",
            s3("truncated.tar", "s3-truncated"),
            t -> {},
            "s3://bad-input/truncated.tar is truncated",
            "upload the complete archive again"));
    c.add(
        copying(
            "S3 tar without manifest.json",
            s3("no-manifest.tar", "s3-no-manifest"),
            t -> {},
            "manifest.json",
            "docker save"));
    c.add(
        copying(
            "S3 gzip'd garbage",
            s3("garbage.tar.gz", "s3-garbage"),
            t -> {},
            "s3://bad-input/garbage.tar.gz",
            "docker save"));
    return c.stream();
  }

  private boolean badS3;

  private static java.util.function.Function<String, Map<String, String>> s3(
      String key, String repo) {
    return h ->
        props(
            "SrcImage", "s3://bad-input/" + key,
            "DestImage", "docker://" + h + "/bad/" + repo + ":v1",
            "DestCreds", CREDS);
  }

  private static Map<String, String> with(Map<String, String> m, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(m);
    copy.put(key, value);
    return copy;
  }

  private static byte[] hugeManifest() {
    StringBuilder sb =
        new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"")
            .append(MediaTypes.OCI_MANIFEST)
            .append("\",\"annotations\":{\"pad\":\"");
    sb.append("x".repeat(4 * 1024 * 1024 + 10));
    return sb.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Bad input the engine does not yet refuse with a reason of its own: a source manifest of an
   * unknown media type and one over the 4 MiB registries accept are fetched and pushed (the
   * destination refuses them with a bare "manifest invalid"); a wrong password (401) gets the same
   * fix as a missing permission (403).
   */
  static Stream<Case> engineGaps() {
    List<Case> c = new ArrayList<>();
    c.add(
        copying(
            "manifest with an unknown media type",
            copy("unknown-type"),
            t ->
                srcProxy.inject(
                    FaultProxy.Fault.respond(
                        null,
                        "/v2/seed/app/manifests/v1",
                        100,
                        "application/vnd.example.thing.v1+json",
                        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.thing.v1+json\"}"
                            .getBytes(StandardCharsets.UTF_8))),
            "application/vnd.example.thing.v1+json",
            "seed/app"));
    c.add(
        copying(
            "manifest over 4 MiB",
            copy("huge-manifest"),
            t ->
                srcProxy.inject(
                    FaultProxy.Fault.respond(
                        null,
                        "/v2/seed/app/manifests/v1",
                        100,
                        MediaTypes.OCI_MANIFEST,
                        hugeManifest())),
            "4 MiB",
            "seed/app"));
    c.add(
        copying(
            "wrong password (401) names the password, not a permission",
            copy("unauthorized-fix", "DestCreds", RegistryServer.USER + ":wrong-password"),
            t -> {},
            "denied (HTTP 401)",
            "password"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engineGaps")
  void engineGapIsRefusedWithTheBadValueAndTheFix(Case c) throws Exception {
    isRefusedWithTheBadValueAndTheFixAndPushesNothing(c);
    if (c.name().startsWith("manifest")) {
      assertEquals(0, proxy.count("PUT", "/manifests/"), "no manifest push even attempted");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithTheBadValueAndTheFixAndPushesNothing(Case c) throws Exception {
    c.setup().accept(this);
    Map<String, String> props = c.props().apply(host);
    Deployments d = new Deployments(settings(!badS3));
    String reason = Deployments.failedReason(d.create(cfn, props));
    System.out.println("bad input [" + c.name() + "]: " + reason);
    for (String expected : c.expected()) {
      String fragment = expected.replace("{host}", host).replace("{src}", srcHost);
      assertTrue(reason.contains(fragment), "the reason names '" + fragment + "': " + reason);
    }
    if (c.stage() == Stage.INPUT) {
      assertEquals(List.of(), proxy.requests(), "no request at all for bad input: " + reason);
      assertEquals(List.of(), srcProxy.requests(), "no request at all for bad input: " + reason);
    } else {
      assertEquals(
          List.of(),
          proxy.requests().stream()
              .filter(r -> r.method().equals("PUT") && r.path().contains("/manifests/"))
              .filter(r -> r.status() / 100 == 2)
              .toList(),
          "no manifest written: " + reason);
      String dest = props.get("DestImage");
      String repo =
          dest.substring(dest.indexOf('/', "docker://".length()) + 1, dest.lastIndexOf(':'));
      assertNull(REGISTRY.server().http().manifestDigest(repo, "v1"), "tag " + dest + " absent");
    }
  }

  @Test
  void anEventWithoutRequestTypeIsAnsweredFailed() throws Exception {
    ObjectNode e =
        (ObjectNode) JSON.readTree(CfnEvents.create(cfn.url(), copy("no-type").apply(host)));
    e.remove("RequestType");
    String reason =
        Deployments.failedReason(
            new Deployments(settings(true))
                .run(cfn, JSON.writeValueAsBytes(e), Duration.ofMinutes(15)));
    assertTrue(reason.startsWith("RequestType is missing or not Create, Update or Delete"), reason);
    assertEquals(List.of(), proxy.requests());
  }

  @Test
  void anEventWithAnUnknownRequestTypeIsAnsweredFailed() throws Exception {
    byte[] event = CfnEvents.event("Upsert", cfn.url(), copy("bad-type").apply(host), null);
    String reason =
        Deployments.failedReason(
            new Deployments(settings(true)).run(cfn, event, Duration.ofMinutes(15)));
    assertTrue(reason.startsWith("RequestType is missing or not Create, Update or Delete"), reason);
    assertEquals(List.of(), proxy.requests());
  }

  @Test
  void anEventWithoutResponseUrlCannotBeAnsweredAndSaysWhy() throws Exception {
    ObjectNode e =
        (ObjectNode) JSON.readTree(CfnEvents.create(cfn.url(), copy("no-url").apply(host)));
    e.remove("ResponseURL");
    try {
      new Deployments(settings(true)).run(cfn, JSON.writeValueAsBytes(e), Duration.ofMinutes(15));
      fail("an event without ResponseURL cannot be answered");
    } catch (RuntimeException ex) {
      assertEquals(
          "the Lambda event has no ResponseURL: this function only handles CloudFormation"
              + " custom-resource events",
          ex.getMessage());
    }
    assertEquals(List.of(), cfn.requests());
    assertEquals(List.of(), proxy.requests());
  }
}
