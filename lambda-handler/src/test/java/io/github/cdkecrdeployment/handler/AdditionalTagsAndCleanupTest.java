package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.registry.RegistryClient;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code AdditionalTags} (registry and S3 archive sources) and {@code RemovalPolicy} (the ECR path
 * through the ECR API stub's {@code BatchDeleteImage}, and a registry that cannot delete a tag)
 * through the whole handler, against a real registry under an ECR-shaped name.
 */
class AdditionalTagsAndCleanupTest {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.token();
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final String ECR_TOKEN = "eyJ0YWdzLWFuZC1jbGVhbnVwIjoidG9rZW4ifQ";
  private static final String DELETE = "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage";
  private static final RequestRetry FAST =
      new RequestRetry(3, Duration.ofMillis(20), Duration.ofSeconds(1));
  private static Node image;
  private static String ecrHost;

  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final Log log =
      new Log(
          new PrintStream(logBytes, true, StandardCharsets.UTF_8),
          Log.Level.INFO,
          Clock.systemUTC());

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    RegistryServer r = REGISTRY.server();
    r.tokenServer()
        .user("AWS", ECR_TOKEN)
        .policy(
            (user, repo, requested) ->
                "AWS".equals(user) || RegistryServer.USER.equals(user) ? requested : Set.of());
    TestImages gen = new TestImages(77);
    image = gen.image(Format.OCI, "linux/amd64").layers(50_000, 8_000).build();
    gen.push(r.http(), "seed/app", "v1", image);
    ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com:" + r.port();
  }

  private JsonNode send(byte[] event) throws Exception {
    aws.ecrToken("AWS:" + ECR_TOKEN);
    AwsSettings settings = aws.settings().build();
    Copier copiers =
        Copier.builder()
            .registries(new RegistryClient(FAST))
            .blobRetry(FAST)
            .s3(() -> Copier.s3Client(S3.settings()))
            .build();
    cfn.clear();
    return TestHandlers.respond(
        TestHandlers.handler(settings, copiers, log), cfn, event, Duration.ofMinutes(15));
  }

  private String logged() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, String> props(String src, String dest, String... extra) {
    Map<String, String> p = CfnEvents.props(src, dest);
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  @Test
  void aRegistrySourceGetsEveryAdditionalTagAndARepeatPushesNoTag() throws Exception {
    Map<String, String> p =
        props(
            "docker://" + ecrHost + "/seed/app:v1",
            "docker://" + ecrHost + "/tags/app:v1",
            "AdditionalTags",
            "[\"1.0\",\"stable\"]");
    JsonNode r = send(CfnEvents.create(cfn.url(), p));

    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(image.digest(), r.path("Data").path("ImageDigest").asText());
    assertEquals(ecrHost + "/tags/app@" + image.digest(), r.path("Data").path("ImageUri").asText());
    for (String tag : List.of("v1", "1.0", "stable")) {
      assertEquals(image.digest(), Skopeo.digest(REGISTRY.server(), "tags/app:" + tag), tag);
    }
    assertTrue(logged().contains("tags/app:stable → " + image.digest()), logged());

    // The Update a migrated stack sees: everything is already at the digest, nothing is written.
    logBytes.reset();
    JsonNode again = send(CfnEvents.update(cfn.url(), p));
    assertEquals("SUCCESS", again.path("Status").asText(), again.toString());
    assertTrue(logged().contains("nothing to push"), logged());
    assertFalse(logged().contains("tagging"), logged());
  }

  @Test
  void anExistingImageStillGetsANewAdditionalTag() throws Exception {
    String dest = "docker://" + ecrHost + "/tags/late:v1";
    assertEquals(
        "SUCCESS",
        send(CfnEvents.create(cfn.url(), props("docker://" + ecrHost + "/seed/app:v1", dest)))
            .path("Status")
            .asText());
    JsonNode r =
        send(
            CfnEvents.update(
                cfn.url(),
                props(
                    "docker://" + ecrHost + "/seed/app:v1",
                    dest,
                    "AdditionalTags",
                    "[\"added\"]")));
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(image.digest(), Skopeo.digest(REGISTRY.server(), "tags/late:added"));
  }

  @Test
  void anArchiveSourceGetsEveryAdditionalTag() throws Exception {
    ImageArchives.Image img = ImageArchives.image(78, "amd64", 2, 20_000);
    S3.put(
        "images",
        "tagged.tar",
        ImageArchives.dockerSaveLegacy(List.of(img), List.of(List.of("app:3"))).finish());
    JsonNode r =
        send(
            CfnEvents.create(
                cfn.url(),
                props(
                    "s3://images/tagged.tar",
                    "docker://" + ecrHost + "/tags/archived:3",
                    "AdditionalTags",
                    "[\"three\",\"latest\"]")));
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    String digest = r.path("Data").path("ImageDigest").asText();
    for (String tag : List.of("3", "three", "latest")) {
      assertEquals(digest, Skopeo.digest(REGISTRY.server(), "tags/archived:" + tag), tag);
    }
  }

  @Test
  void badAdditionalTagsOrRemovalPolicyFailTheCreateNamingTheValue() throws Exception {
    String src = "docker://" + ecrHost + "/seed/app:v1";
    String dest = "docker://" + ecrHost + "/tags/bad:v1";
    assertEquals(
        "invalid AdditionalTags element \"no good\": it is not a tag; use tags such as"
            + " [\"1.2.3\",\"stable\"] ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})",
        reasonOf(
            send(
                CfnEvents.create(cfn.url(), props(src, dest, "AdditionalTags", "[\"no good\"]")))));
    assertEquals(
        "invalid AdditionalTags '{\"a\":1}': it is not a JSON array; use an array like"
            + " [\"1.2.3\",\"stable\"]",
        reasonOf(
            send(CfnEvents.create(cfn.url(), props(src, dest, "AdditionalTags", "{\"a\":1}")))));
    assertEquals(
        "invalid RemovalPolicy 'snapshot': use \"destroy\" (Delete removes the pushed tags) or"
            + " \"retain\" (the default; set removalPolicy to DESTROY or RETAIN)",
        reasonOf(send(CfnEvents.create(cfn.url(), props(src, dest, "RemovalPolicy", "snapshot")))));
  }

  private static String reasonOf(JsonNode r) {
    assertEquals("FAILED", r.path("Status").asText(), r.toString());
    String reason = r.path("Reason").asText();
    return reason.substring(0, reason.indexOf(" (log stream: "));
  }

  @Test
  void deleteWithDestroyRemovesExactlyThePushedTagsThroughTheEcrApi() throws Exception {
    Map<String, String> p =
        props(
            "docker://" + ecrHost + "/seed/app:v1",
            "docker://" + ecrHost + "/team/app:v1",
            "CopyImageIndex",
            "true",
            "ArchImageTags",
            "{\"amd64\":\"v1-amd64\"}",
            "AdditionalTags",
            "[\"1.0\",\"v1\"]",
            "RemovalPolicy",
            "destroy");
    JsonNode r = send(CfnEvents.delete(cfn.url(), p));

    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(CfnEvents.PHYSICAL_ID, r.path("PhysicalResourceId").asText());
    List<AwsApiStub.Call> calls = aws.calls(DELETE);
    assertEquals(1, calls.size(), aws.calls()::toString);
    AwsApiStub.Call call = calls.get(0);
    assertEquals("us-east-1", call.region());
    assertEquals("ecr", call.service());
    assertEquals("123456789012", call.body().path("registryId").asText());
    assertEquals("team/app", call.body().path("repositoryName").asText());
    assertEquals(List.of("v1", "1.0", "v1-amd64"), tags(call.body()));
    assertTrue(
        logged().contains("removed tags [v1, 1.0, v1-amd64] of " + ecrHost + "/team/app"),
        logged());
  }

  @Test
  void aDigestDestinationRemovesOnlyItsAdditionalTags() throws Exception {
    Map<String, String> p =
        props(
            "docker://" + ecrHost + "/seed/app:v1",
            "docker://" + ecrHost + "/team/app@" + image.digest(),
            "AdditionalTags",
            "[\"pinned\"]",
            "RemovalPolicy",
            "destroy");
    assertEquals("SUCCESS", send(CfnEvents.delete(cfn.url(), p)).path("Status").asText());
    assertEquals(List.of("pinned"), tags(aws.calls(DELETE).get(0).body()));
  }

  @Test
  void aFailedCleanupIsLoggedAndTheDeleteStillSucceeds() throws Exception {
    Map<String, String> p =
        props(
            "docker://" + ecrHost + "/seed/app:v1",
            "docker://" + ecrHost + "/team/app:v1",
            "AdditionalTags",
            "[\"1.0\"]",
            "RemovalPolicy",
            "destroy");
    aws.ecrDeleteFailure("1.0", "ImageNotFound");
    JsonNode partly = send(CfnEvents.delete(cfn.url(), p));
    assertEquals("SUCCESS", partly.path("Status").asText(), partly.toString());
    assertTrue(
        logged().contains("tag 1.0 of " + ecrHost + "/team/app not removed: ImageNotFound"),
        logged());

    aws.fail(DELETE, 400, "AccessDeniedException");
    JsonNode denied = send(CfnEvents.delete(cfn.url(), p));
    assertEquals("SUCCESS", denied.path("Status").asText(), denied.toString());
    assertTrue(
        logged()
            .contains(
                "delete: cleanup failed, tags [v1, 1.0] of " + ecrHost + "/team/app are left"),
        logged());
    assertTrue(logged().contains("ecr:BatchDeleteImage"), logged());
  }

  @Test
  void anotherRegistryKeepsItsTagsWithALogLineAndTheDeleteSucceeds() throws Exception {
    Map<String, String> p =
        props(
            "docker://" + ecrHost + "/seed/app:v1",
            "docker://" + REGISTRY.server().host() + "/team/app:v1",
            "AdditionalTags",
            "[\"1.0\"]",
            "RemovalPolicy",
            "destroy");
    JsonNode r = send(CfnEvents.delete(cfn.url(), p));
    assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
    assertEquals(List.of(), aws.calls(DELETE));
    assertTrue(
        logged()
            .contains(
                "delete: left tags [v1, 1.0] of "
                    + REGISTRY.server().host()
                    + "/team/app: the registry API cannot remove a single tag"),
        logged());
  }

  @Test
  void retainOrUnreadablePropertiesDeleteNothingAndSucceed() throws Exception {
    String src = "docker://" + ecrHost + "/seed/app:v1";
    String dest = "docker://" + ecrHost + "/team/app:v1";
    assertEquals(
        "SUCCESS", send(CfnEvents.delete(cfn.url(), props(src, dest))).path("Status").asText());
    assertEquals(
        "SUCCESS",
        send(CfnEvents.delete(cfn.url(), props(src, dest, "RemovalPolicy", "retain")))
            .path("Status")
            .asText());
    assertTrue(logged().contains("delete: nothing to do"), logged());
    JsonNode bad =
        send(
            CfnEvents.delete(
                cfn.url(),
                props(src, "docker://" + ecrHost + "/Team/App:v1", "RemovalPolicy", "destroy")));
    assertEquals("SUCCESS", bad.path("Status").asText(), bad.toString());
    assertTrue(
        logged()
            .contains("delete: cleanup skipped, the properties cannot be read: invalid DestImage"),
        logged());
    assertEquals(List.of(), aws.calls(DELETE));
  }

  private static List<String> tags(JsonNode body) {
    return StreamSupport.stream(body.path("imageIds").spliterator(), false)
        .map(id -> id.path("imageTag").asText())
        .collect(Collectors.toCollection(ArrayList::new));
  }
}
