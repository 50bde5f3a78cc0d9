package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.examples.retryconfig.RetryConfigStack;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.InvocationResult;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.integ.cfn.CloudFormationEvents;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.e2e.Images;
import io.github.cdkecrdeployment.integ.e2e.LocalDeployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awscdk.StackProps;

/**
 * The handler in its Lambda runtime (the real runtime interface client, one warm sandbox) when
 * things go wrong: a response URL that fails twice then works, one that never works, an event the
 * handler throws on, a deadline that passes mid-copy. Each yields exactly one sequence of response
 * attempts, and the same function process answers the next event; after the deadline no connection
 * to the stalled registry stays open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimeReliabilityIT {
  private static final String SOURCE = LocalDeployment.publicEcrPath(RetryConfigStack.SOURCE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RegistryServer gallery;
  private static FaultProxy flaky;
  private static LocalDeployment deployment;
  private static TestImages.Node image;
  private static CloudFormationEvents events;
  private static CustomResourceSpec resource;
  private static long pid;

  @BeforeAll
  static void start() throws Exception {
    image = Images.single(81, TestImages.Format.OCI);
    gallery = Images.serving(SOURCE, image);
    flaky = FaultProxy.start(gallery);
    deployment =
        LocalDeployment.start(
            RuntimeReliabilityIT.class,
            app ->
                new RetryConfigStack(
                    app, "EcrDeploymentRuntimeReliability", StackProps.builder().build()),
            o -> o.publicEcrAt(flaky.host()));
    resource = deployment.deployment();
    events = new CloudFormationEvents(deployment.stack(), resource);
  }

  @AfterAll
  static void stop() throws Exception {
    LocalDeployment.closeAll(deployment, flaky, gallery);
  }

  private static Map<String, String> props(String tag) {
    return LocalDeployment.withDestinationTag(deployment.properties(resource), tag);
  }

  /** Every PUT to the response URL carrying {@code requestId}. */
  private static List<ResponseUrlServer.Request> attempts(String requestId) {
    return deployment.responses().requests().stream()
        .filter(r -> r.bodyText().contains("\"RequestId\":\"" + requestId + "\""))
        .toList();
  }

  /** A fresh Create, answered SUCCESS by the same (warm) function process. */
  private static void nextEventIsAnsweredByTheSameProcess(String tag) throws Exception {
    CloudFormationEvents.Event e =
        events.create(props(tag), deployment.responses().url().toString());
    InvocationResult r = deployment.lambda().invoke(e.json(), Duration.ofMinutes(5));
    assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), deployment.output());
    List<ResponseUrlServer.Request> a = attempts(e.requestId());
    assertEquals(1, a.size(), "one response");
    assertTrue(a.get(0).bodyText().contains("\"Status\":\"SUCCESS\""), a.get(0).bodyText());
    assertEquals(pid, deployment.lambda().runtime().pid(), "the same warm process");
    assertEquals(1, deployment.lambda().starts(), "no cold start");
  }

  @Test
  @Order(1)
  void aResponseUrlThatFailsTwiceThenWorksGetsOneSequenceOfThreeAttempts() throws Exception {
    deployment.responses().failNext(2, 500);
    CloudFormationEvents.Event e =
        events.create(props("twice"), deployment.responses().url().toString());
    InvocationResult r = deployment.lambda().invoke(e.json(), Duration.ofMinutes(5));
    pid = deployment.lambda().runtime().pid();
    assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), deployment.output());
    List<ResponseUrlServer.Request> a = attempts(e.requestId());
    assertEquals(3, a.size(), "two failed attempts and the one that worked");
    assertEquals(1, a.stream().map(ResponseUrlServer.Request::bodyText).distinct().count());
    assertTrue(a.get(2).bodyText().contains("\"Status\":\"SUCCESS\""), a.get(2).bodyText());
    nextEventIsAnsweredByTheSameProcess("after-twice");
  }

  @Test
  @Order(2)
  void aResponseUrlThatNeverWorksGetsOneBoundedSequenceAndTheProcessLives() throws Exception {
    deployment.responses().failNext(1000, 503);
    CloudFormationEvents.Event e =
        events.create(props("never"), deployment.responses().url().toString());
    InvocationResult r;
    try {
      r = deployment.lambda().invoke(e.json(), Duration.ofMinutes(5));
    } finally {
      deployment.responses().failNext(0, 200);
    }
    // The handler gives up and says so; Lambda records a function error.
    assertEquals(InvocationResult.Outcome.ERROR, r.outcome(), deployment.output());
    assertTrue(r.body().contains("could not send the response"), r.body());
    List<ResponseUrlServer.Request> a = attempts(e.requestId());
    assertEquals(4, a.size(), "the production sender's 4 attempts, no more");
    assertEquals(1, a.stream().map(ResponseUrlServer.Request::bodyText).distinct().count());
    nextEventIsAnsweredByTheSameProcess("after-never");
  }

  @Test
  @Order(3)
  void aHandlerThatThrowsIsReportedToLambdaAndTheProcessLives() throws Exception {
    CloudFormationEvents.Event e =
        events.create(props("throws"), deployment.responses().url().toString());
    ObjectNode broken = (ObjectNode) JSON.readTree(e.json());
    broken.remove("ResponseURL");
    InvocationResult r = deployment.lambda().invoke(broken.toString(), Duration.ofMinutes(5));
    assertEquals(InvocationResult.Outcome.ERROR, r.outcome(), deployment.output());
    assertTrue(r.body().contains("the Lambda event has no ResponseURL"), r.body());
    assertEquals(List.of(), attempts(e.requestId()), "no response can be sent");
    nextEventIsAnsweredByTheSameProcess("after-throws");
  }

  @Test
  @Order(4)
  void aDeadlineMidCopyIsAnsweredOnceAndLeavesNoConnectionOpen() throws Exception {
    // The destination already has the blobs (earlier tags): the copy blocks reading the source
    // manifest, in the middle of its body.
    flaky.inject(FaultProxy.Fault.stallBody("GET", "/manifests/", 100, Duration.ofMinutes(3)));
    CloudFormationEvents.Event e =
        events.create(props("late"), deployment.responses().url().toString());
    // 40 s of Lambda time: the copy gets 10 s after the 30 s safety margin.
    InvocationResult r = deployment.lambda().invoke(e.json(), Duration.ofSeconds(40));
    assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), deployment.output());
    List<ResponseUrlServer.Request> a = attempts(e.requestId());
    assertEquals(1, a.size(), "one response");
    JsonNode body = JSON.readTree(a.get(0).body());
    assertEquals("FAILED", body.path("Status").asText());
    assertTrue(
        body.path("Reason").asText().startsWith("the copy did not finish in time"),
        body.toString());
    Images.assertNoImage(
        deployment.ecr(), LocalDeployment.repositoryAndTag(props("late").get("DestImage")));
    // The connection count works: this JVM's own socket to the proxy is seen.
    try (java.net.Socket own = new java.net.Socket("127.0.0.1", flaky.port())) {
      assertTrue(openConnections(ProcessHandle.current().pid(), flaky.port()) >= 1);
    }
    // Nothing keeps reading from the stalled registry into the next invocation.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertEquals(
                    0,
                    openConnections(pid, flaky.port()),
                    "connections of the function process to the stalled registry"));
    flaky.reset();
    nextEventIsAnsweredByTheSameProcess("after-late");
  }

  /** Established TCP connections of process {@code pid} to 127.0.0.1:{@code port}. */
  private static int openConnections(long pid, int port) throws IOException {
    Set<String> inodes = new HashSet<>();
    String portHex = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("tcp", "tcp6")) {
      Path p = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[2].endsWith(portHex) && f[3].equals("01")) {
          inodes.add(f[9]);
        }
      }
    }
    int n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")
              && inodes.contains(target.substring(8, target.length() - 1))) {
            n++;
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    }
    return n;
  }
}
