package io.github.cdkecrdeployment.integ.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.testing.InvocationResult;
import io.github.cdkecrdeployment.integ.WorkDirs;
import io.github.cdkecrdeployment.integ.fixture.FixtureJars;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runtime harness itself, with a small function of its own: a child JVM under the real runtime
 * interface client polls the local Runtime API, gets the deadline and the ARN, answers, reports
 * errors, and is stopped and started again after a timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LambdaRuntimeHarnessTest {

  private static LambdaService service;

  @BeforeAll
  static void start() throws Exception {
    Path work = WorkDirs.create(LambdaRuntimeHarnessTest.class);
    Path jar = FixtureJars.functionJar(work.resolve("function.jar"));
    LambdaFunctionSpec fn =
        new LambdaFunctionSpec(
            "Echo",
            "io.github.cdkecrdeployment.integ.fixture.EchoHandler::handleRequest",
            "java21",
            256,
            Duration.ofSeconds(30),
            Map.of("GREETING", "hello from the template"),
            jar);
    service =
        LambdaService.start(
            fn,
            new LambdaRuntimeProcess.Identity("123456789012", "us-east-1", "echo-fn"),
            work,
            Map.of());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  @Order(1)
  void answersWithTheEventAndTheRuntimeContext() throws Exception {
    Instant before = Instant.now();
    InvocationResult r = service.invoke("{\"hello\":\"world\"}");
    assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), service.output());
    String body = r.body();
    assertTrue(body.contains("\"event\":{\"hello\":\"world\"}"), body);
    assertTrue(body.contains("\"requestId\":\"" + r.requestId() + "\""), body);
    assertTrue(
        body.contains("\"functionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:echo-fn\""),
        body);
    assertTrue(body.contains("\"greeting\":\"hello from the template\""), body);
    assertTrue(body.contains("\"executionEnv\":\"AWS_Lambda_java21\""), body);
    assertTrue(body.contains("\"memoryLimitMiB\":256"), body);
    long remaining = number(body, "remainingMs");
    long elapsed = Duration.between(before, Instant.now()).toMillis();
    assertTrue(remaining <= 30_000 && remaining >= 30_000 - elapsed - 1000, body);
    // -XX:MaxHeapSize is 85 % of 256 MiB; the JVM reports a little less than the flag.
    long heap = number(body, "maxHeapBytes");
    assertTrue(heap > 180L << 20 && heap <= 256L * 1024 * 1024 * 85 / 100, "heap " + heap);
    assertTrue(service.output().contains("echo handler saw request " + r.requestId()));
  }

  @Test
  @Order(2)
  void reusesTheWarmEnvironment() throws Exception {
    InvocationResult r = service.invoke("{\"n\":2}");
    assertEquals(InvocationResult.Outcome.SUCCESS, r.outcome(), service.output());
    assertEquals(2, number(r.body(), "invocationsInThisJvm"), r.body());
    assertEquals(1, service.starts());
  }

  @Test
  @Order(3)
  void reportsAFunctionError() throws Exception {
    InvocationResult r = service.invoke("{\"fail\":\"boom on purpose\"}");
    assertEquals(InvocationResult.Outcome.ERROR, r.outcome(), r.toString());
    assertTrue(r.body().contains("boom on purpose"), r.body());
    assertTrue(r.body().contains("java.lang.IllegalStateException"), r.body());
    assertEquals("Runtime.UserException", r.errorType());
  }

  @Test
  @Order(4)
  void passesAShortDeadlineAndStopsTheRuntimeAfterIt() throws Exception {
    InvocationResult quick = service.invoke("{\"n\":3}", Duration.ofSeconds(2));
    long remaining = number(quick.body(), "remainingMs");
    assertTrue(remaining <= 2000 && remaining > 0, quick.body());

    long pid = service.runtime().pid();
    Instant before = Instant.now();
    InvocationResult slow = service.invoke("{\"sleepMs\":20000}", Duration.ofSeconds(2));
    assertEquals(InvocationResult.Outcome.TIMEOUT, slow.outcome());
    assertTrue(
        Duration.between(before, Instant.now()).toMillis() < 10_000, "the timeout came in time");
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the timed-out runtime " + pid + " was stopped");

    InvocationResult after = service.invoke("{\"n\":4}");
    assertEquals(InvocationResult.Outcome.SUCCESS, after.outcome(), service.output());
    assertEquals(1, number(after.body(), "invocationsInThisJvm"), "a fresh JVM after the timeout");
    assertEquals(2, service.starts());
  }

  @Test
  @Order(5)
  void reportsAnInitErrorAndTheExitOfTheRuntime() throws Exception {
    Path work = WorkDirs.create(LambdaRuntimeHarnessTest.class);
    LambdaFunctionSpec broken =
        new LambdaFunctionSpec(
            "Broken",
            "io.github.cdkecrdeployment.integ.fixture.BrokenHandler::handleRequest",
            "java21",
            128,
            Duration.ofSeconds(20),
            Map.of(),
            FixtureJars.functionJar(work.resolve("function.jar")));
    try (LambdaService svc =
        LambdaService.start(
            broken,
            new LambdaRuntimeProcess.Identity("123456789012", "us-east-1", "broken-fn"),
            work,
            Map.of())) {
      InvocationResult r = svc.invoke("{}");
      assertEquals(InvocationResult.Outcome.ERROR, r.outcome(), svc.output());
      assertEquals("Runtime.ExitError", r.errorType());
      assertEquals(1, svc.api().initErrors().size(), svc.output());
      assertTrue(r.body().contains("cold start failed on purpose"), r.body());
    }
  }

  private static long number(String json, String field) {
    var m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), field + " in " + json);
    return Long.parseLong(m.group(1));
  }
}
