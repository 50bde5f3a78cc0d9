package io.github.cdkecrdeployment.handler.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A Lambda {@link Context} whose remaining time counts down from a given budget. */
public final class FakeLambdaContext implements Context {
  /** The log stream name every reason must end with. */
  public static final String LOG_STREAM = "2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef";

  private final long deadlineMillis;
  private final java.time.Clock clock;

  /** A context with {@code remaining} time left from now. */
  public FakeLambdaContext(Duration remaining) {
    this(remaining, java.time.Clock.systemUTC());
  }

  /** A context with {@code remaining} time left from now on {@code clock}. */
  public FakeLambdaContext(Duration remaining, java.time.Clock clock) {
    this.clock = clock;
    this.deadlineMillis = clock.millis() + remaining.toMillis();
  }

  @Override
  public String getAwsRequestId() {
    return "lambda-request-1";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/CustomCDKECRDeployment";
  }

  @Override
  public String getLogStreamName() {
    return LOG_STREAM;
  }

  @Override
  public String getFunctionName() {
    return "CustomCDKECRDeployment";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:CustomCDKECRDeployment";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMillis - clock.millis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        System.out.print(message);
      }

      @Override
      public void log(byte[] message) {
        System.out.print(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
