package io.github.cdkecrdeployment.integ.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.testing.InvocationResult;

/** Assertions on what CloudFormation would receive, with the function's output in every message. */
public final class Expect {
  private Expect() {}

  /**
   * The invocation returned, exactly one response arrived, it answers this request, and its status
   * is {@code status}.
   */
  public static CfnResponse answered(
      CustomResourceDriver.Exchange x, String status, String functionOutput) {
    String context = "\n--- function output ---\n" + functionOutput;
    assertEquals(
        InvocationResult.Outcome.SUCCESS,
        x.invocation().outcome(),
        "the invocation must return normally, also when the copy fails: "
            + x.invocation()
            + context);
    CfnResponse r = x.response();
    assertNotNull(r, "no response was PUT to the ResponseURL" + context);
    assertEquals(status, r.status(), "status; reason: " + r.reason() + context);
    // The handler PUTs its response before it returns, so the return bounds the PUT's time.
    assertTrue(
        x.invocation().completedAt().isBefore(x.deadline()),
        "the response must arrive before the Lambda deadline " + x.deadline() + context);
    String requestId = x.event().requestId();
    assertEquals(requestId, r.requestId(), "RequestId echoed");
    assertTrue(x.event().json().contains("\"StackId\":\"" + r.stackId() + "\""), "StackId echoed");
    assertTrue(
        x.event().json().contains("\"LogicalResourceId\":\"" + r.logicalResourceId() + "\""),
        "LogicalResourceId echoed");
    assertNotNull(r.physicalResourceId(), "PhysicalResourceId is required" + context);
    if (status.equals("FAILED")) {
      assertNotNull(r.reason(), "a FAILED response needs a Reason");
    }
    return r;
  }

  /** {@link #answered} with SUCCESS. */
  public static CfnResponse succeeded(CustomResourceDriver.Exchange x, String functionOutput) {
    return answered(x, "SUCCESS", functionOutput);
  }

  /** {@link #answered} with FAILED. */
  public static CfnResponse failed(CustomResourceDriver.Exchange x, String functionOutput) {
    return answered(x, "FAILED", functionOutput);
  }
}
