package io.github.cdkecrdeployment.handler.reliability;

import io.github.cdkecrdeployment.handler.EcrDeploymentHandler;
import io.github.cdkecrdeployment.handler.testing.FakeLambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Lambda sandbox in a process of its own: the production handler, built as the Lambda runtime
 * builds it (no-arg constructor, everything from the environment), answers one event. Arguments:
 * the event file and the Lambda time left in milliseconds.
 */
public final class HandlerProcessMain {
  private HandlerProcessMain() {}

  /** Runs one event. */
  public static void main(String[] args) throws Exception {
    EcrDeploymentHandler handler = new EcrDeploymentHandler();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      handler.handleRequest(
          in,
          new ByteArrayOutputStream(),
          new FakeLambdaContext(Duration.ofMillis(Long.parseLong(args[1]))));
    }
  }
}
