package io.github.cdkecrdeployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Token;

/** Synth-time checks: upstream's guards verbatim, and the checks this library adds. */
class ValidationTest {
  @TempDir Path outdir;
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
  }

  private String failure(final ECRDeployment.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }

  @Test
  void imageArchAndCopyImageIndexCannotBothBeSet() {
    assertEquals(
        "imageArch and copyImageIndex cannot both be set",
        failure(f.deployment("ECR").imageArch(List.of("arm64")).copyImageIndex(true)));
    // Nothing was added to the stack before the check.
    assertEquals(List.of(), f.stack.getNode().tryFindChild("ECR").getNode().getChildren());
  }

  @Test
  void archImageTagsNeedCopyImageIndex() {
    assertEquals(
        "archImageTags can only be specified when copyImageIndex is true",
        failure(f.deployment("ECR").archImageTags(Map.of("arm64", "a"))));
    assertEquals(
        "archImageTags can only be specified when copyImageIndex is true",
        failure(f.deployment("ECR2").copyImageIndex(false).archImageTags(Map.of())));
    // With copyImageIndex the same map is accepted.
    f.deployment("ECR3").copyImageIndex(true).archImageTags(Map.of("arm64", "a")).build();
  }

  @Test
  void aTokenMemoryLimitIsRejected() {
    CfnParameter memory = CfnParameter.Builder.create(f.stack, "Memory").type("Number").build();
    assertEquals(
        "Can't use tokens when specifying \"memoryLimit\" since we use it to identify the singleton"
            + " custom resource handler",
        failure(f.deployment("ECR").memoryLimit(memory.getValueAsNumber())));
    assertEquals(
        "Can't use tokens when specifying \"memoryLimit\" since we use it to identify the singleton"
            + " custom resource handler",
        failure(f.deployment("ECR2").memoryLimit(Token.asNumber(memory.getValueAsString()))));
  }

  @Test
  void memoryLimitMustBeAWholeLambdaMemorySize() {
    assertEquals(
        "memoryLimit must be a whole number of MiB from 128 to 10240, got 512.5",
        failure(f.deployment("A").memoryLimit(512.5)));
    assertEquals(
        "memoryLimit must be a whole number of MiB from 128 to 10240, got 64",
        failure(f.deployment("B").memoryLimit(64)));
    assertEquals(
        "memoryLimit must be a whole number of MiB from 128 to 10240, got 10241",
        failure(f.deployment("C").memoryLimit(10241)));
    f.deployment("D").memoryLimit(128).build();
    f.deployment("E").memoryLimit(10240.0).build();
  }

  static List<Arguments> badRetryConfigs() {
    return List.of(
        Arguments.of(
            Map.of("numAttempt", 3),
            "retryConfigs has unknown key \"numAttempt\": use only numAttempts, baseDelay, maxDelay"),
        Arguments.of(
            Map.of("numAttempts", 0),
            "retryConfigs numAttempts must be a whole number of at least 1, got 0"),
        Arguments.of(
            Map.of("numAttempts", 2.5),
            "retryConfigs numAttempts must be a whole number of at least 1, got 2.5"),
        Arguments.of(
            Map.of("baseDelay", 0),
            "retryConfigs baseDelay must be a number of seconds greater than 0, got 0"),
        Arguments.of(
            Map.of("maxDelay", -1.5),
            "retryConfigs maxDelay must be a number of seconds greater than 0, got -1.5"),
        Arguments.of(
            Map.of("maxDelay", Double.NaN),
            "retryConfigs maxDelay must be a number of seconds greater than 0, got NaN"),
        Arguments.of(
            ordered("baseDelay", 10, "maxDelay", 5),
            "retryConfigs baseDelay must not exceed maxDelay, got baseDelay 10 and maxDelay 5"));
  }

  @ParameterizedTest
  @MethodSource("badRetryConfigs")
  void badRetryConfigsFailTheSynthNamingTheValue(
      final Map<String, Number> retry, final String message) {
    assertEquals(message, failure(f.deployment("ECR").retryConfigs(retry)));
  }

  @Test
  void goodRetryConfigsAndTokensPass() {
    f.deployment("A").retryConfigs(Map.of("numAttempts", 1)).build();
    f.deployment("B")
        .retryConfigs(ordered("numAttempts", 5, "baseDelay", 0.5, "maxDelay", 0.5))
        .build();
    CfnParameter base = CfnParameter.Builder.create(f.stack, "Base").type("Number").build();
    // A token is judged at deploy time only, also against the other delay.
    f.deployment("C")
        .retryConfigs(ordered("baseDelay", base.getValueAsNumber(), "maxDelay", 1))
        .build();
    f.template().resourceCountIs(Fixture.RESOURCE_TYPE, 3);
  }

  @Test
  void srcAndDestAreRequired() {
    NullPointerException noSrc =
        assertThrows(
            NullPointerException.class,
            () -> ECRDeployment.Builder.create(f.stack, "A").dest(f.dest).build());
    assertEquals(
        "src is required: pass the image to copy, e.g. new DockerImageName(\"nginx:latest\")",
        noSrc.getMessage());
    NullPointerException noDest =
        assertThrows(
            NullPointerException.class, () -> ECRDeploymentProps.builder().src(f.src).build());
    assertEquals(
        "dest is required: pass the destination image, e.g. new"
            + " DockerImageName(repository.getRepositoryUri() + \":latest\")",
        noDest.getMessage());
  }

  @Test
  void nullElementsAreRejectedByName() {
    List<String> arches = new java.util.ArrayList<>();
    arches.add(null);
    NullPointerException e =
        assertThrows(
            NullPointerException.class,
            () -> ECRDeploymentProps.builder().src(f.src).dest(f.dest).imageArch(arches).build());
    assertEquals("imageArch must not contain null: remove the null element", e.getMessage());
  }

  private static Map<String, Number> ordered(
      final String k1, final Number v1, final String k2, final Number v2) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static Map<String, Number> ordered(
      final String k1,
      final Number v1,
      final String k2,
      final Number v2,
      final String k3,
      final Number v3) {
    Map<String, Number> m = ordered(k1, v1, k2, v2);
    m.put(k3, v3);
    return m;
  }
}
