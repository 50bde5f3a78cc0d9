package io.github.cdkecrdeployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;

/**
 * The synth-time half of the bad-input catalogue (the deploy-time half is {@code
 * io.github.cdkecrdeployment.handler.reliability.ReliabilityBadInputTest}): each bad prop fails the
 * synth with its exact message, and the stack gains no custom resource, no handler function and no
 * policy, so nothing could ever be deployed (let alone pushed) from it.
 */
class SynthTimeBadInputTest {
  @TempDir Path outdir;

  private static Arguments bad(
      String name, UnaryOperator<ECRDeployment.Builder> props, String message) {
    return Arguments.of(name, props, message, IllegalArgumentException.class);
  }

  private static Map<String, Number> retry(Object... kv) {
    Map<String, Number> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Number) kv[i + 1]);
    }
    return m;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        bad(
            "imageArch with copyImageIndex",
            b -> b.imageArch(List.of("arm64")).copyImageIndex(true),
            "imageArch and copyImageIndex cannot both be set"),
        bad(
            "archImageTags without copyImageIndex",
            b -> b.archImageTags(Map.of("arm64", "v1-arm64")),
            "archImageTags can only be specified when copyImageIndex is true"),
        bad(
            "archImageTags with copyImageIndex false",
            b -> b.copyImageIndex(false).archImageTags(Map.of("arm64", "v1-arm64")),
            "archImageTags can only be specified when copyImageIndex is true"),
        bad(
            "imageArch with two elements",
            b -> b.imageArch(List.of("arm64", "amd64")),
            "imageArch must contain exactly 1 element, got [\"arm64\",\"amd64\"]"),
        bad(
            "imageArch empty",
            b -> b.imageArch(List.of()),
            "imageArch must contain exactly 1 element, got []"),
        Arguments.of(
            "imageArch with a null element",
            (UnaryOperator<ECRDeployment.Builder>) b -> b.imageArch(Arrays.asList((String) null)),
            "imageArch must not contain null: remove the null element",
            NullPointerException.class),
        bad(
            "memoryLimit not whole",
            b -> b.memoryLimit(512.5),
            "memoryLimit must be a whole number of MiB from 128 to 10240, got 512.5"),
        bad(
            "memoryLimit too small",
            b -> b.memoryLimit(64),
            "memoryLimit must be a whole number of MiB from 128 to 10240, got 64"),
        bad(
            "memoryLimit too large",
            b -> b.memoryLimit(10241),
            "memoryLimit must be a whole number of MiB from 128 to 10240, got 10241"),
        bad(
            "retryConfigs unknown key",
            b -> b.retryConfigs(retry("attempts", 3)),
            "retryConfigs has unknown key \"attempts\": use only numAttempts, baseDelay, maxDelay"),
        bad(
            "retryConfigs numAttempts 0",
            b -> b.retryConfigs(retry("numAttempts", 0)),
            "retryConfigs numAttempts must be a whole number of at least 1, got 0"),
        bad(
            "retryConfigs numAttempts not whole",
            b -> b.retryConfigs(retry("numAttempts", 1.5)),
            "retryConfigs numAttempts must be a whole number of at least 1, got 1.5"),
        bad(
            "retryConfigs negative baseDelay",
            b -> b.retryConfigs(retry("baseDelay", -1)),
            "retryConfigs baseDelay must be a number of seconds greater than 0, got -1"),
        bad(
            "retryConfigs zero maxDelay",
            b -> b.retryConfigs(retry("maxDelay", 0)),
            "retryConfigs maxDelay must be a number of seconds greater than 0, got 0"),
        bad(
            "retryConfigs baseDelay above maxDelay",
            b -> b.retryConfigs(retry("baseDelay", 10, "maxDelay", 2)),
            "retryConfigs baseDelay must not exceed maxDelay, got baseDelay 10 and maxDelay 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failsTheSynthWithItsMessageAndAddsNothing(
      String name,
      UnaryOperator<ECRDeployment.Builder> props,
      String message,
      Class<? extends RuntimeException> type) {
    Fixture f = new Fixture(outdir);
    RuntimeException e = assertThrows(type, () -> props.apply(f.deployment("Deploy")).build());
    assertEquals(message, e.getMessage());
    Template t = Template.fromStack(f.stack);
    assertEquals(Map.of(), t.findResources(Fixture.RESOURCE_TYPE), name);
    assertEquals(Map.of(), t.findResources("AWS::Lambda::Function"), name);
    assertEquals(Map.of(), t.findResources("AWS::IAM::Policy"), name);
  }
}
