package io.github.cdkecrdeployment.integ.lambda;

import io.github.cdkecrdeployment.handler.testing.InvocationResult;
import io.github.cdkecrdeployment.handler.testing.LambdaRuntimeApiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plays the Lambda service for one function: a Runtime API server, one execution environment
 * started on the first invocation and reused (warm) after, stopped and started afresh after a
 * timeout or a crash, as Lambda does.
 */
public final class LambdaService implements AutoCloseable {

  private final LambdaFunctionSpec function;
  private final LambdaRuntimeProcess.Identity identity;
  private final Path workDir;
  private final Map<String, String> extraEnvironment;
  private final LambdaRuntimeApiServer api;
  private LambdaRuntimeProcess runtime;
  private int starts;

  private LambdaService(
      LambdaFunctionSpec function,
      LambdaRuntimeProcess.Identity identity,
      Path workDir,
      Map<String, String> extraEnvironment,
      LambdaRuntimeApiServer api) {
    this.function = function;
    this.identity = identity;
    this.workDir = workDir;
    this.extraEnvironment = Map.copyOf(extraEnvironment);
    this.api = api;
  }

  /**
   * Starts the Runtime API for {@code function}; the runtime itself starts on the first invocation.
   *
   * @param extraEnvironment variables added after the template's (local endpoints,
   *     JAVA_TOOL_OPTIONS)
   */
  public static LambdaService start(
      LambdaFunctionSpec function,
      LambdaRuntimeProcess.Identity identity,
      Path workDir,
      Map<String, String> extraEnvironment)
      throws IOException {
    return new LambdaService(
        function, identity, workDir, extraEnvironment, LambdaRuntimeApiServer.start());
  }

  /** Invokes with the function's configured timeout. */
  public InvocationResult invoke(String event) throws IOException, InterruptedException {
    return invoke(event, function.timeout());
  }

  /**
   * Invokes synchronously with the given time limit (sent as {@code Lambda-Runtime-Deadline-Ms});
   * on no answer by then the runtime is stopped and the result is {@link
   * InvocationResult.Outcome#TIMEOUT}.
   */
  public synchronized InvocationResult invoke(String event, Duration timeout)
      throws IOException, InterruptedException {
    if (runtime == null || !runtime.isAlive()) {
      startRuntime();
    }
    LambdaRuntimeApiServer.Invocation invocation =
        api.enqueue(event, timeout, identity.functionArn());
    CompletableFuture<InvocationResult> result = invocation.result();
    CompletableFuture<Process> exit = runtime.process().onExit();
    try {
      CompletableFuture.anyOf(result, exit).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stopRuntime();
      return result.isDone() ? result.join() : InvocationResult.timeout(invocation.requestId());
    } catch (ExecutionException e) {
      throw new IllegalStateException("runtime API failed", e.getCause());
    }
    if (result.isDone()) {
      return result.join();
    }
    // The runtime exited without answering (init error or crash); Lambda reports it as an error.
    String initError =
        api.initErrors().isEmpty() ? "" : api.initErrors().get(api.initErrors().size() - 1);
    stopRuntime();
    return new InvocationResult(
        "",
        InvocationResult.Outcome.ERROR,
        initError,
        "Runtime.ExitError",
        java.time.Instant.now());
  }

  private void startRuntime() throws IOException {
    api.runtimeRestarted();
    runtime =
        LambdaRuntimeProcess.start(function, identity, api.address(), workDir, extraEnvironment);
    starts++;
  }

  private void stopRuntime() {
    if (runtime != null) {
      runtime.stop();
      api.runtimeRestarted();
    }
  }

  /** How many times an execution environment was started (cold starts). */
  public int starts() {
    return starts;
  }

  /** The runtime's whole stdout + stderr across all starts. */
  public String output() {
    return runtime == null ? "" : runtime.output();
  }

  /** The current runtime process, or null before the first invocation. */
  public LambdaRuntimeProcess runtime() {
    return runtime;
  }

  /** The Runtime API server. */
  public LambdaRuntimeApiServer api() {
    return api;
  }

  /** The function this service runs. */
  public LambdaFunctionSpec function() {
    return function;
  }

  /** The account, region and name the function runs as. */
  public LambdaRuntimeProcess.Identity identity() {
    return identity;
  }

  @Override
  public synchronized void close() {
    try {
      stopRuntime();
    } finally {
      api.close();
    }
  }
}
