package io.github.cdkecrdeployment.handler.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local AWS Lambda Runtime API (version 2018-06-01) on 127.0.0.1, as the managed runtime exposes
 * it to the runtime interface client: {@code GET /runtime/invocation/next} long-polls for the next
 * queued event, {@code POST /runtime/invocation/{id}/response|error} completes it, {@code POST
 * /runtime/init/error} reports a failed start.
 *
 * <p>See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
 */
public final class LambdaRuntimeApiServer implements AutoCloseable {

  private static final String PREFIX = "/2018-06-01/runtime/";

  /** What a queued invocation carries to the runtime. */
  private record Pending(String requestId, byte[] payload, Instant deadline, String functionArn) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final BlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private final AtomicInteger generation = new AtomicInteger();
  private final Map<String, CompletableFuture<InvocationResult>> inFlight =
      new ConcurrentHashMap<>();
  private final List<String> initErrors = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<String>> initErrorWaiters = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private LambdaRuntimeApiServer(HttpServer server, ExecutorService executor, Clock clock) {
    this.server = server;
    this.executor = executor;
    this.clock = clock;
  }

  /** Starts the server on an ephemeral loopback port. */
  public static LambdaRuntimeApiServer start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Long polls park one thread each, so the pool must not be bounded by the number of cores.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lambda-runtime-api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    LambdaRuntimeApiServer api = new LambdaRuntimeApiServer(server, executor, Clock.systemUTC());
    server.createContext(PREFIX, api::handle);
    server.start();
    return api;
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API}: {@code host:port}. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * One queued invocation.
   *
   * @param requestId its {@code Lambda-Runtime-Aws-Request-Id}
   * @param result completes when the runtime posts the response or the error
   */
  public record Invocation(String requestId, CompletableFuture<InvocationResult> result) {}

  /**
   * Queues one invocation; the runtime receives it on its next poll with a deadline {@code timeout}
   * from now (what the function's configured timeout gives in Lambda).
   */
  public Invocation enqueue(String payload, Duration timeout, String functionArn) {
    String requestId = UUID.randomUUID().toString();
    CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    inFlight.put(requestId, result);
    queue.add(
        new Pending(
            requestId,
            payload.getBytes(StandardCharsets.UTF_8),
            clock.instant().plus(timeout),
            functionArn));
    return new Invocation(requestId, result);
  }

  /** Init errors the runtime reported, in order (JSON bodies). */
  public List<String> initErrors() {
    return List.copyOf(initErrors);
  }

  /** Completes with the body of the next init error the runtime reports. */
  public CompletableFuture<String> nextInitError() {
    CompletableFuture<String> f = new CompletableFuture<>();
    initErrorWaiters.add(f);
    return f;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      byte[] body = readAll(exchange.getRequestBody());
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && path.equals("init/error")) {
        String error = new String(body, StandardCharsets.UTF_8);
        initErrors.add(error);
        initErrorWaiters.forEach(f -> f.complete(error));
        respond(exchange, 202, "{\"status\":\"OK\"}");
      } else if (method.equals("POST") && path.startsWith("invocation/")) {
        String[] parts = path.split("/");
        if (parts.length != 3 || !(parts[2].equals("response") || parts[2].equals("error"))) {
          respond(exchange, 404, "{\"errorType\":\"NotFound\"}");
          return;
        }
        CompletableFuture<InvocationResult> f = inFlight.remove(parts[1]);
        if (f == null) {
          respond(exchange, 400, "{\"errorType\":\"InvalidRequestID\"}");
          return;
        }
        respond(exchange, 202, "{\"status\":\"OK\"}");
        String text = new String(body, StandardCharsets.UTF_8);
        f.complete(
            parts[2].equals("response")
                ? InvocationResult.success(parts[1], text)
                : InvocationResult.error(
                    parts[1],
                    text,
                    exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")));
      } else {
        respond(exchange, 404, "{\"errorType\":\"NotFound\"}");
      }
    }
  }

  /**
   * Forgets the polls of a runtime that was stopped (e.g. after a timeout), so an event queued for
   * its successor is never handed to a dead connection.
   */
  public void runtimeRestarted() {
    generation.incrementAndGet();
  }

  private void next(HttpExchange exchange) throws IOException {
    int myGeneration = generation.get();
    Pending p = null;
    try {
      while (p == null && !closed && generation.get() == myGeneration) {
        p = queue.poll(200, TimeUnit.MILLISECONDS);
        if (p != null && generation.get() != myGeneration) {
          queue.addFirst(p);
          p = null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (p == null) {
      respond(exchange, 500, "{\"errorType\":\"ServiceShutdown\"}");
      return;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Lambda-Runtime-Aws-Request-Id", p.requestId());
    headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadline().toEpochMilli()));
    headers.set("Lambda-Runtime-Invoked-Function-Arn", p.functionArn());
    headers.set(
        "Lambda-Runtime-Trace-Id",
        "Root=1-"
            + Long.toHexString(clock.millis() / 1000)
            + "-"
            + p.requestId().replace("-", "").substring(0, 24)
            + ";Sampled=0");
    try {
      exchange.sendResponseHeaders(200, p.payload().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(p.payload());
      }
    } catch (IOException e) {
      // The runtime went away mid-poll: keep the event for the next one.
      queue.addFirst(p);
      throw e;
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    executor.shutdownNow();
    inFlight.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
  }
}
