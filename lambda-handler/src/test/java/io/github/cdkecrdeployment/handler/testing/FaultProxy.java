package io.github.cdkecrdeployment.handler.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A reverse proxy on 127.0.0.1 in front of a {@link RegistryServer} (TLS on both sides) or any
 * plain HTTP server such as the S3 API of {@link S3ProxyExtension} ({@link #startHttp(URI)}), that
 * records every request and injects faults:
 *
 * <ul>
 *   <li>armed faults ({@link #inject(Fault)}) for the next N matching requests: an HTTP status with
 *       a registry error code (503, 429 with or without {@code Retry-After}, {@code
 *       BLOB_UPLOAD_UNKNOWN}), a connection reset before the response, a stall before forwarding, a
 *       body cut in half, a stall in the middle of a body, a body corrupted with its length kept;
 *   <li>seeded random faults on a share of all requests ({@link #randomFaults(long, double,
 *       Duration)}), drawn from the faults of the list above that fit the request;
 *   <li>ECR's throttling of manifest PUTs above a rate ({@link #throttleManifestPuts(int)}).
 * </ul>
 *
 * Every injected fault is counted ({@link #faultsInjected()}, {@link #faultCounts()}). The registry
 * builds its upload URLs from {@code X-Forwarded-Host}, so clients keep talking through the proxy.
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

  /** ECR's answer to too many manifest PUTs. */
  public static final String ECR_THROTTLE_BODY =
      "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"Rate exceeded\"}]}";

  /**
   * One request seen.
   *
   * @param method HTTP method
   * @param path path and query
   * @param status status returned to the client (0: connection dropped)
   * @param fault the fault injected into it ({@link Kind} name, or {@code THROTTLE}), or null
   */
  public record Request(String method, String path, int status, String fault) {}

  /** Kinds of fault. */
  public enum Kind {
    /** Answer with a status (and Retry-After when given) without forwarding. */
    STATUS,
    /** Close the connection without a response (a reset before the body). */
    DROP,
    /** Wait, then forward. */
    STALL,
    /** Forward, but cut the response body in half and close (a reset during the body). */
    TRUNCATE,
    /** Forward half the response body, wait, then the rest. */
    STALL_BODY,
    /** Forward the response with one byte of its body changed (same length). */
    CORRUPT,
    /** Answer 200 with a given body, Content-Type and its Docker-Content-Digest, not forwarding. */
    RESPOND
  }

  /**
   * A fault for the next {@code times} requests whose method and path match.
   *
   * @param method HTTP method, or null for any
   * @param path regex found in the path (and query)
   * @param times how many matching requests get it
   * @param kind what happens
   * @param status status for {@link Kind#STATUS}
   * @param delay Retry-After for STATUS (null: none), wait time for STALL and STALL_BODY
   * @param code registry error code in the body of a STATUS answer, Content-Type of RESPOND
   * @param body the body of a RESPOND answer, else null
   */
  public record Fault(
      String method,
      Pattern path,
      int times,
      Kind kind,
      int status,
      Duration delay,
      String code,
      byte[] body) {
    private Fault(
        String method, String path, int times, Kind kind, int status, Duration delay, String code) {
      this(method, Pattern.compile(path), times, kind, status, delay, code, null);
    }

    /**
     * Answer 200 with {@code body} as {@code contentType} (and its digest) instead of forwarding.
     */
    public static Fault respond(
        String method, String pathRegex, int times, String contentType, byte[] body) {
      return new Fault(
          method, Pattern.compile(pathRegex), times, Kind.RESPOND, 200, null, contentType, body);
    }

    /**
     * Answer {@code status} (error code {@code UNAVAILABLE}) to {@code times} matching requests.
     */
    public static Fault status(String method, String pathRegex, int times, int status) {
      return status(method, pathRegex, times, status, "UNAVAILABLE");
    }

    /** Answer {@code status} with the registry error {@code code}. */
    public static Fault status(
        String method, String pathRegex, int times, int status, String code) {
      return new Fault(method, pathRegex, times, Kind.STATUS, status, null, code);
    }

    /** 429 with {@code Retry-After: seconds}. */
    public static Fault tooManyRequests(String method, String pathRegex, int times, int seconds) {
      return new Fault(
          method,
          pathRegex,
          times,
          Kind.STATUS,
          429,
          Duration.ofSeconds(seconds),
          "TOOMANYREQUESTS");
    }

    /** 404 {@code BLOB_UPLOAD_UNKNOWN}, as a registry that lost an upload session answers. */
    public static Fault uploadUnknown(String method, String pathRegex, int times) {
      return status(method, pathRegex, times, 404, "BLOB_UPLOAD_UNKNOWN");
    }

    /** Drop the connection. */
    public static Fault drop(String method, String pathRegex, int times) {
      return new Fault(method, pathRegex, times, Kind.DROP, 0, null, null);
    }

    /** Wait, then forward. */
    public static Fault stall(String method, String pathRegex, int times, Duration wait) {
      return new Fault(method, pathRegex, times, Kind.STALL, 0, wait, null);
    }

    /** Truncate the response body. */
    public static Fault truncate(String method, String pathRegex, int times) {
      return new Fault(method, pathRegex, times, Kind.TRUNCATE, 0, null, null);
    }

    /** Send half the response body, wait {@code wait}, then the rest. */
    public static Fault stallBody(String method, String pathRegex, int times, Duration wait) {
      return new Fault(method, pathRegex, times, Kind.STALL_BODY, 0, wait, null);
    }

    /** Change one byte of the response body (a space becomes a tab, else a bit flips). */
    public static Fault corrupt(String method, String pathRegex, int times) {
      return new Fault(method, pathRegex, times, Kind.CORRUPT, 0, null, null);
    }
  }

  private record Armed(Fault fault, AtomicInteger left) {}

  private final URI backend;
  private final boolean registry;
  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Armed> faults = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> faultCounts = new TreeMap<>();
  private final Deque<Long> manifestPuts = new ArrayDeque<>();
  private Random random;
  private double rate;
  private Duration randomStall = Duration.ofMillis(200);
  private int manifestPutsPerSecond;

  private FaultProxy(URI backend, SSLContext serverSsl, SSLContext clientSsl, boolean registry)
      throws IOException {
    this.backend = backend;
    this.registry = registry;
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    if (serverSsl != null) {
      HttpsServer https = HttpsServer.create(any, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
      this.server = https;
    } else {
      this.server = HttpServer.create(any, 0);
    }
    this.pool = TestFiles.daemonPool("fault-proxy");
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(pool);
    if (clientSsl != null) {
      b.sslContext(clientSsl);
    }
    this.client = b.build();
  }

  /** Starts a TLS proxy to {@code backend} on 127.0.0.1 with an ephemeral port. */
  public static FaultProxy start(RegistryServer backend) throws IOException {
    FaultProxy p =
        new FaultProxy(
            URI.create(backend.url()),
            backend.ca().serverSslContext(),
            backend.ca().clientSslContext(),
            true);
    p.server.start();
    return p;
  }

  /**
   * Starts a plain-HTTP proxy to {@code backend} (e.g. {@link S3ProxyExtension#endpoint()}) that
   * forwards the client's {@code Host} header unchanged, so SigV4 signatures still verify. Needs
   * {@code -Djdk.httpclient.allowRestrictedHeaders=host} (set by this module's surefire setup).
   */
  public static FaultProxy startHttp(URI backend) throws IOException {
    FaultProxy p = new FaultProxy(backend, null, null, false);
    p.server.start();
    return p;
  }

  /** {@code 127.0.0.1:PORT}: use it as the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** The port the proxy listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:PORT} of a {@link #startHttp(URI)} proxy. */
  public URI httpEndpoint() {
    return URI.create("http://" + host());
  }

  /** Arms a fault. */
  public FaultProxy inject(Fault fault) {
    faults.add(new Armed(fault, new AtomicInteger(fault.times())));
    return this;
  }

  /**
   * Faults a share {@code rate} of all requests (after armed faults), each drawn from a seeded
   * generator among the faults that fit the request: 500, 502, 503, 504, 429 with and without
   * {@code Retry-After: 1}, a reset before the response (of requests without a body: a reset while
   * a body is being sent is the armed {@link Fault#drop}); for responses with a body also a reset
   * in the middle of it and a stall of {@code stall} in the middle of it; for upload PATCH/PUT also
   * {@code BLOB_UPLOAD_UNKNOWN}.
   */
  public synchronized FaultProxy randomFaults(long seed, double rate, Duration stall) {
    this.random = new Random(seed);
    this.rate = rate;
    this.randomStall = stall;
    return this;
  }

  /** Stops random faults. */
  public synchronized FaultProxy noRandomFaults() {
    this.random = null;
    return this;
  }

  /**
   * Answers manifest PUTs above {@code perSecond} in any one-second window with ECR's {@code 429
   * TOOMANYREQUESTS: Rate exceeded} (no Retry-After, as ECR). 0 turns it off.
   */
  public synchronized FaultProxy throttleManifestPuts(int perSecond) {
    this.manifestPutsPerSecond = perSecond;
    return this;
  }

  /** Forgets recorded requests and fault counts and disarms all faults. */
  public synchronized void reset() {
    requests.clear();
    faults.clear();
    faultCounts.clear();
    random = null;
    manifestPutsPerSecond = 0;
  }

  /** Forgets recorded requests only (faults stay armed, counts stay). */
  public void clearRequests() {
    requests.clear();
  }

  /** Every request so far. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many faults were injected so far (throttling answers included). */
  public synchronized int faultsInjected() {
    return faultCounts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Injected faults by kind ({@code STATUS_503}, {@code DROP}, {@code THROTTLE}, ...). */
  public synchronized Map<String, Integer> faultCounts() {
    return Map.copyOf(faultCounts);
  }

  /** Requests whose method equals {@code method} (null: any) and whose path contains a match. */
  public long count(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return requests().stream()
        .filter(r -> method == null || r.method().equals(method))
        .filter(r -> p.matcher(r.path()).find())
        .count();
  }

  /** Requests that change something at the backend: PUT, POST, PATCH and DELETE. */
  public long writes() {
    return requests().stream()
        .filter(r -> Set.of("PUT", "POST", "PATCH", "DELETE").contains(r.method()))
        .count();
  }

  private synchronized void counted(String name) {
    faultCounts.merge(name, 1, Integer::sum);
  }

  private Fault take(String method, String path, boolean hasBody) {
    for (Armed a : faults) {
      Fault f = a.fault();
      if ((f.method() == null || f.method().equals(method))
          && f.path().matcher(path).find()
          && a.left().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        return f;
      }
    }
    return randomFault(method, path, hasBody);
  }

  private synchronized Fault randomFault(String method, String path, boolean hasBody) {
    if (random == null || random.nextDouble() >= rate) {
      return null;
    }
    List<Fault> menu = new ArrayList<>();
    for (int s : new int[] {500, 502, 503, 504}) {
      menu.add(Fault.status(null, "", 1, s));
    }
    menu.add(Fault.tooManyRequests(null, "", 1, 1));
    menu.add(Fault.status(null, "", 1, 429, "TOOMANYREQUESTS"));
    if (!hasBody) {
      // A reset while the client is still sending a body is an armed fault of its own (drop on
      // PATCH/PUT), not part of the random mix.
      menu.add(Fault.drop(null, "", 1));
    }
    if (method.equals("GET")) {
      menu.add(Fault.truncate(null, "", 1));
      menu.add(Fault.stallBody(null, "", 1, randomStall));
    }
    if ((method.equals("PATCH") || method.equals("PUT")) && path.contains("/blobs/uploads/")) {
      menu.add(Fault.uploadUnknown(null, "", 1));
    }
    return menu.get(random.nextInt(menu.size()));
  }

  private boolean throttled(String method, String path) {
    if (!method.equals("PUT") || !path.contains("/manifests/")) {
      return false;
    }
    synchronized (this) {
      if (manifestPutsPerSecond <= 0) {
        return false;
      }
      long now = System.nanoTime();
      while (!manifestPuts.isEmpty() && now - manifestPuts.peekFirst() >= 1_000_000_000L) {
        manifestPuts.removeFirst();
      }
      if (manifestPuts.size() >= manifestPutsPerSecond) {
        return true;
      }
      manifestPuts.addLast(now);
      return false;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (ex.getRequestURI().getRawQuery() != null) {
      path += "?" + ex.getRequestURI().getRawQuery();
    }
    try {
      if (throttled(method, path)) {
        counted("THROTTLE");
        requests.add(new Request(method, path, 429, "THROTTLE"));
        answer(ex, method, 429, null, ECR_THROTTLE_BODY);
        return;
      }
      String length = ex.getRequestHeaders().getFirst("Content-Length");
      boolean hasBody =
          (length != null && !length.equals("0"))
              || ex.getRequestHeaders().getFirst("Transfer-Encoding") != null;
      Fault fault = take(method, path, hasBody);
      if (fault != null) {
        counted(fault.kind() == Kind.STATUS ? "STATUS_" + fault.status() : fault.kind().name());
      }
      String faultName = fault == null ? null : fault.kind().name();
      if (fault != null && fault.kind() == Kind.DROP) {
        requests.add(new Request(method, path, 0, faultName));
        throw new IOException("fault: dropping connection");
      }
      if (fault != null && fault.kind() == Kind.STATUS) {
        requests.add(new Request(method, path, fault.status(), faultName));
        answer(
            ex,
            method,
            fault.status(),
            fault.delay(),
            "{\"errors\":[{\"code\":\""
                + fault.code()
                + "\",\"message\":\"injected fault\",\"detail\":null}]}");
        return;
      }
      if (fault != null && fault.kind() == Kind.RESPOND) {
        requests.add(new Request(method, path, 200, faultName));
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        ex.getResponseHeaders().set("Content-Type", fault.code());
        ex.getResponseHeaders().set("Docker-Content-Digest", TestImages.sha256(fault.body()));
        if (method.equals("HEAD")) {
          ex.getResponseHeaders().set("Content-Length", Integer.toString(fault.body().length));
          ex.sendResponseHeaders(200, -1);
        } else {
          ex.sendResponseHeaders(200, fault.body().length);
          ex.getResponseBody().write(fault.body());
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

  private static void answer(
      HttpExchange ex, String method, int status, Duration retryAfter, String json)
      throws IOException {
    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    if (retryAfter != null) {
      ex.getResponseHeaders().set("Retry-After", Long.toString(retryAfter.toSeconds()));
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (method.equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
    } else {
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  private void forward(HttpExchange ex, String method, String path, Fault fault)
      throws IOException, InterruptedException {
    String front = host();
    String clientHost = ex.getRequestHeaders().getFirst("Host");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(backend + path)).timeout(Duration.ofMinutes(30));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        for (String v : h.getValue()) {
          b.header(h.getKey(), v);
        }
      }
    }
    if (registry) {
      b.header("X-Forwarded-Host", clientHost != null ? clientHost : front);
      b.header("X-Forwarded-Proto", "https");
    } else if (clientHost != null) {
      try {
        b.header("Host", clientHost);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "forwarding Host needs -Djdk.httpclient.allowRestrictedHeaders=host", e);
      }
    }
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
    requests.add(
        new Request(method, path, r.statusCode(), fault == null ? null : fault.kind().name()));
    String backendHost = backend.getAuthority();
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      String k = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(k) || k.startsWith(":")) {
        continue;
      }
      for (String v : h.getValue()) {
        if (k.equals("location")) {
          v = v.replace(backendHost, clientHost != null ? clientHost : front);
        }
        ex.getResponseHeaders().add(h.getKey(), v);
      }
    }
    long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    Kind kind = fault == null ? null : fault.kind();
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
      if (kind == Kind.CORRUPT) {
        byte[] all = in.readAllBytes();
        corrupt(all);
        ex.sendResponseHeaders(status, all.length == 0 ? -1 : all.length);
        ex.getResponseBody().write(all);
        ex.close();
        return;
      }
      ex.sendResponseHeaders(status, length == 0 ? -1 : (length < 0 ? 0 : length));
      OutputStream out = ex.getResponseBody();
      if (kind == Kind.TRUNCATE || kind == Kind.STALL_BODY) {
        long half = Math.max(length, 2) / 2;
        byte[] buf = in.readNBytes((int) Math.min(half, 1 << 20));
        out.write(buf);
        out.flush();
        if (kind == Kind.TRUNCATE) {
          throw new IOException("fault: truncated response");
        }
        Thread.sleep(fault.delay().toMillis());
      }
      in.transferTo(out);
      out.close();
    }
  }

  /** A space becomes a tab (JSON stays valid, its digest changes), else the middle byte flips. */
  private static void corrupt(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (body[i] == ' ') {
        body[i] = '\t';
        return;
      }
    }
    if (body.length > 0) {
      body[body.length / 2] ^= 0x01;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
