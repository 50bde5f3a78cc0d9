package io.github.cdkecrdeployment.integ.e2e;

import io.github.cdkecrdeployment.handler.testing.InvocationResult;
import io.github.cdkecrdeployment.integ.cfn.CloudFormationEvents;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.cfn.SynthesizedStack;
import io.github.cdkecrdeployment.integ.lambda.LambdaService;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Plays CloudFormation for one custom resource: sends its lifecycle events to the function through
 * the Lambda service and collects what the function PUT to the response URL.
 */
public final class CustomResourceDriver {

  /**
   * One request and its outcome.
   *
   * @param event the event sent
   * @param invocation how the Lambda invocation ended
   * @param response the response PUT to the ResponseURL, or null when none arrived
   * @param deadline the {@code Lambda-Runtime-Deadline-Ms} the function was given
   */
  public record Exchange(
      CloudFormationEvents.Event event,
      InvocationResult invocation,
      CfnResponse response,
      Instant deadline) {}

  private final CloudFormationEvents events;
  private final LambdaService lambda;
  private final ResponseSink responses;

  /** A driver for {@code resource} of {@code stack}, run by {@code lambda}. */
  public CustomResourceDriver(
      SynthesizedStack stack,
      CustomResourceSpec resource,
      LambdaService lambda,
      ResponseSink responses) {
    this.events = new CloudFormationEvents(stack, resource);
    this.lambda = lambda;
    this.responses = responses;
  }

  /** Sends {@code Create}. */
  public Exchange create(Map<String, String> properties) throws IOException, InterruptedException {
    return send(events.create(properties, responses.newUrl()), lambda.function().timeout());
  }

  /** Sends {@code Update}. */
  public Exchange update(
      Map<String, String> properties, Map<String, String> oldProperties, String physicalId)
      throws IOException, InterruptedException {
    return send(
        events.update(properties, oldProperties, physicalId, responses.newUrl()),
        lambda.function().timeout());
  }

  /** Sends {@code Delete}. */
  public Exchange delete(Map<String, String> properties, String physicalId)
      throws IOException, InterruptedException {
    return send(
        events.delete(properties, physicalId, responses.newUrl()), lambda.function().timeout());
  }

  /** Sends {@code Create} with a shorter time limit than the function's configured timeout. */
  public Exchange createWithin(Map<String, String> properties, Duration timeout)
      throws IOException, InterruptedException {
    return send(events.create(properties, responses.newUrl()), timeout);
  }

  private Exchange send(CloudFormationEvents.Event event, Duration timeout)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    InvocationResult result = lambda.invoke(event.json(), timeout);
    // The function answers CloudFormation before returning, so the PUT is already there; a short
    // wait covers a response sent asynchronously.
    CfnResponse response = responses.await(event.requestId(), Duration.ofSeconds(5));
    return new Exchange(event, result, response, deadline);
  }
}
