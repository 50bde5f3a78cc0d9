package io.github.cdkecrdeployment.handler.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A TLS reverse proxy in front of a {@link RegistryServer} that records every request and can
 * inject faults: an HTTP status (e.g. 503, or 429 with {@code Retry-After}), a dropped connection
 * without a response, a stall before forwarding, or a truncated response body. The registry builds
 * its upload URLs from {@code X-Forwarded-Host}, so clients keep talking through the proxy.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(registry)) {
 *   proxy.inject(FaultProxy.Fault.status("PUT", "/blobs/uploads/", 1, 503));
 *   ... copy to proxy.host() ...
 *   assertEquals(0, proxy.count("PUT", "/manifests/"));
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "transfer-encoding",
          "keep-alive",
          "upgrade",
          "expect",
          "host",
          "te",
          "trailer",
          "proxy-connection",
          "date");

  /**
   * One request seen.
   *
   * @param method HTTP method
   * @param path path and query
   * @param status status returned to the client (0: connection dropped)
   */
  public record Request(String method, String path, int status) {}

  /** Kinds of fault. */
  public enum Kind {
    /** Answer with a status (and Retry-After when given) without forwarding. */
    STATUS,
    /** Close the connection without a response. */
    DROP,
    /** Wait, then forward. */
    STALL,
    /** Forward, but cut the response body in half and close. */
    TRUNCATE,
    /** Forward half the response body, then go silent for the delay (past a read timeout). */
    STALL_BODY
  }

  /**
   * A fault for the next {@code times} requests whose method and path match.
   *
   * @param method HTTP method, or null for any
   * @param path regex found in the path (and query)
   * @param times how many matching requests get it
   * @param kind what happens
   * @param status status for {@link Kind#STATUS}
   * @param delay Retry-After for STATUS (null: none), wait time for STALL
   */
  public record Fault(
      String method, Pattern path, int times, Kind kind, int status, Duration delay) {
    /** Answer {@code status} to {@code times} matching requests. */
    public static Fault status(String method, String pathRegex, int times, int status) {
      return new Fault(method, Pattern.compile(pathRegex), times, Kind.STATUS, status, null);
    }

    /** 429 with {@code Retry-After: seconds}. */
    public static Fault tooManyRequests(String method, String pathRegex, int times, int seconds) {
      return new Fault(
          method, Pattern.compile(pathRegex), times, Kind.STATUS, 429, Duration.ofSeconds(seconds));
    }

    /** Drop the connection. */
    public static Fault drop(String method, String pathRegex, int times) {
      return new Fault(method, Pattern.compile(pathRegex), times, Kind.DROP, 0, null);
    }

    /** Wait, then forward. */
    public static Fault stall(String method, String pathRegex, int times, Duration wait) {
      return new Fault(method, Pattern.compile(pathRegex), times, Kind.STALL, 0, wait);
    }

    /** Send half the response body, then nothing for {@code wait}, then close. */
    public static Fault stallBody(String method, String pathRegex, int times, Duration wait) {
      return new Fault(method, Pattern.compile(pathRegex), times, Kind.STALL_BODY, 0, wait);
    }

    /** Truncate the response body. */
    public static Fault truncate(String method, String pathRegex, int times) {
      return new Fault(method, Pattern.compile(pathRegex), times, Kind.TRUNCATE, 0, null);
    }
  }

  private record Armed(Fault fault, AtomicInteger left) {}

  private final RegistryServer backend;
  private final HttpsServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Armed> faults = new CopyOnWriteArrayList<>();

  private FaultProxy(RegistryServer backend) throws IOException {
    this.backend = backend;
    this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(backend.ca().serverSslContext()));
    this.pool = TestFiles.daemonPool("fault-proxy");
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    this.client =
        HttpClient.newBuilder()
            .sslContext(backend.ca().clientSslContext())
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(pool)
            .build();
  }

  /** Starts a proxy to {@code backend} on 127.0.0.1 with an ephemeral port. */
  public static FaultProxy start(RegistryServer backend) throws IOException {
    FaultProxy p = new FaultProxy(backend);
    p.server.start();
    return p;
  }

  /** {@code 127.0.0.1:PORT}: use it as the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Arms a fault. */
  public FaultProxy inject(Fault fault) {
    faults.add(new Armed(fault, new AtomicInteger(fault.times())));
    return this;
  }

  /** Forgets recorded requests and disarms all faults. */
  public void reset() {
    requests.clear();
    faults.clear();
  }

  /** Every request so far. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Requests whose method equals {@code method} (null: any) and whose path contains a match. */
  public long count(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return requests().stream()
        .filter(r -> method == null || r.method().equals(method))
        .filter(r -> p.matcher(r.path()).find())
        .count();
  }

  private Fault take(String method, String path) {
    for (Armed a : faults) {
      Fault f = a.fault();
      if ((f.method() == null || f.method().equals(method))
          && f.path().matcher(path).find()
          && a.left().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        return f;
      }
    }
    return null;
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (ex.getRequestURI().getRawQuery() != null) {
      path += "?" + ex.getRequestURI().getRawQuery();
    }
    Fault fault = take(method, path);
    try {
      if (fault != null && fault.kind() == Kind.DROP) {
        requests.add(new Request(method, path, 0));
        throw new IOException("fault: dropping connection");
      }
      if (fault != null && fault.kind() == Kind.STATUS) {
        requests.add(new Request(method, path, fault.status()));
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        byte[] body =
            ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected fault\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        if (fault.delay() != null) {
          ex.getResponseHeaders().set("Retry-After", Long.toString(fault.delay().toSeconds()));
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (method.equals("HEAD")) {
          ex.sendResponseHeaders(fault.status(), -1);
        } else {
          ex.sendResponseHeaders(fault.status(), body.length);
          ex.getResponseBody().write(body);
        }
        ex.close();
        return;
      }
      if (fault != null && fault.kind() == Kind.STALL) {
        Thread.sleep(fault.delay().toMillis());
      }
      forward(ex, method, path, fault);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private void forward(HttpExchange ex, String method, String path, Fault fault)
      throws IOException, InterruptedException {
    boolean truncate = fault != null && fault.kind() == Kind.TRUNCATE;
    boolean stallBody = fault != null && fault.kind() == Kind.STALL_BODY;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(backend.url() + path)).timeout(Duration.ofMinutes(30));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        for (String v : h.getValue()) {
          b.header(h.getKey(), v);
        }
      }
    }
    b.header("X-Forwarded-Host", host());
    b.header("X-Forwarded-Proto", "https");
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    boolean chunked =
        "chunked".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Transfer-Encoding"));
    HttpRequest.BodyPublisher body;
    if (len != null && Long.parseLong(len) > 0) {
      body =
          HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(ex::getRequestBody), Long.parseLong(len));
    } else if (chunked) {
      body = HttpRequest.BodyPublishers.ofInputStream(ex::getRequestBody);
    } else {
      body = HttpRequest.BodyPublishers.noBody();
    }
    b.method(method, body);
    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    requests.add(new Request(method, path, r.statusCode()));
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      String k = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(k) || k.startsWith(":")) {
        continue;
      }
      for (String v : h.getValue()) {
        if (k.equals("location")) {
          v = v.replace(backend.host(), host());
        }
        ex.getResponseHeaders().add(h.getKey(), v);
      }
    }
    long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    try (InputStream in = r.body()) {
      int status = r.statusCode();
      if (method.equals("HEAD") || status == 204 || status == 304) {
        if (length >= 0 && method.equals("HEAD")) {
          ex.getResponseHeaders().set("Content-Length", Long.toString(length));
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
        return;
      }
      ex.sendResponseHeaders(status, length == 0 ? -1 : (length < 0 ? 0 : length));
      OutputStream out = ex.getResponseBody();
      if (truncate || stallBody) {
        long half = Math.max(length, 2) / 2;
        byte[] buf = in.readNBytes((int) Math.min(half, 1 << 20));
        out.write(buf);
        out.flush();
        if (stallBody) {
          Thread.sleep(fault.delay().toMillis());
        }
        throw new IOException("fault: truncated response");
      }
      in.transferTo(out);
      out.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
