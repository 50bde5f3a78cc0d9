package io.github.cdkecrdeployment.integ.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one {@code AWS::Lambda::Function} that decide how its runtime starts.
 *
 * @param logicalId the function's logical id in the template
 * @param handler the {@code Handler} string, e.g. {@code pkg.Class::method}
 * @param runtime the {@code Runtime}, e.g. {@code java21}
 * @param memorySizeMiB {@code MemorySize} (Lambda's default 128)
 * @param timeout {@code Timeout} (Lambda's default 3 s)
 * @param environment {@code Environment.Variables}
 * @param code the code asset: a zip or jar file (extracted as Lambda does) or a directory
 */
public record LambdaFunctionSpec(
    String logicalId,
    String handler,
    String runtime,
    int memorySizeMiB,
    Duration timeout,
    Map<String, String> environment,
    Path code) {

  public LambdaFunctionSpec {
    Objects.requireNonNull(logicalId, "logicalId");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(code, "code");
    environment = Map.copyOf(environment);
    if (memorySizeMiB < 128) {
      throw new IllegalArgumentException(
          "MemorySize " + memorySizeMiB + " is below Lambda's minimum of 128 MiB");
    }
  }
}
