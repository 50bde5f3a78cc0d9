import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CloudFormation ResponseURL: a plain HTTP server on 127.0.0.1 that takes each function's PUT
 * and notes when it arrived (System.nanoTime), so a run's wall time ends when CloudFormation would
 * have heard back.
 */
final class Responses implements AutoCloseable {
  /** One response as it arrived. */
  record Answer(long nanos, String body) {}

  /** One expected response: the URL to put in the event and the future it completes. */
  record Slot(URI url, CompletableFuture<Answer> answer) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, CompletableFuture<Answer>> slots = new ConcurrentHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();

  private Responses(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static Responses start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(2);
    server.setExecutor(executor);
    Responses r = new Responses(server, executor);
    server.createContext(
        "/",
        exchange -> {
          long now = System.nanoTime();
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          String key = exchange.getRequestURI().getPath();
          CompletableFuture<Answer> f = r.slots.remove(key);
          exchange.sendResponseHeaders(f == null ? 404 : 200, -1);
          exchange.close();
          if (f != null) {
            f.complete(new Answer(now, new String(body, StandardCharsets.UTF_8)));
          }
        });
    server.start();
    return r;
  }

  /** A new response URL, shaped like CloudFormation's pre-signed S3 URL. */
  Slot slot() {
    String path = "/cloudformation-custom-resource-response-useast1/run-" + counter.incrementAndGet();
    CompletableFuture<Answer> f = new CompletableFuture<>();
    slots.put(path, f);
    URI url =
        URI.create(
            "http://127.0.0.1:"
                + server.getAddress().getPort()
                + path
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef");
    return new Slot(url, f);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
