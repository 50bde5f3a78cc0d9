package io.github.cdkecrdeployment.handler.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry token server as Docker Hub runs one (<a
 * href="https://distribution.github.io/distribution/spec/auth/token/">token auth spec</a>): {@code
 * GET /token?service=…&scope=repository:NAME:pull,push} with optional Basic credentials answers
 * {@code {"token": JWT}}. Tokens are RS256 JWTs with a {@code kid} and an {@code x5c} chain holding
 * the {@link TestCa} token certificate, which the registry verifies against its {@code
 * rootcertbundle} (the CA).
 *
 * <p>Access: a {@link Policy} decides per user and repository; the default grants what a known user
 * asks for and only {@code pull} to anonymous clients. Wrong credentials get 401.
 */
public final class TokenServer implements AutoCloseable {
  /** The {@code service} (JWT audience) the registry is configured with. */
  public static final String SERVICE = "test-registry";

  /** The JWT issuer the registry is configured with. */
  public static final String ISSUER = "test-token-issuer";

  /** Decides which actions a client gets on a repository. */
  @FunctionalInterface
  public interface Policy {
    /**
     * @param user the authenticated user, or null for anonymous
     * @param repository repository name
     * @param requested requested actions ({@code pull}, {@code push}, …)
     * @return granted actions (a subset of requested)
     */
    Set<String> grant(String user, String repository, Set<String> requested);

    /** Known users get what they ask; anonymous clients may only pull. */
    Policy DEFAULT =
        (user, repo, requested) -> {
          if (user != null) {
            return requested;
          }
          Set<String> s = new LinkedHashSet<>(requested);
          s.retainAll(Set.of("pull"));
          return s;
        };
  }

  private final List<String> issued = java.util.Collections.synchronizedList(new ArrayList<>());
  private final HttpsServer server;
  private final ExecutorService pool;
  private final Map<String, String> users = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> scopesSeen = java.util.Collections.synchronizedList(new ArrayList<>());
  private final PrivateKey key;
  private final X509Certificate cert;
  private volatile Policy policy = Policy.DEFAULT;

  private TokenServer(TestCa ca) throws IOException {
    this.key = ca.tokenKey();
    this.cert = ca.tokenCertificate();
    this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ca.serverSslContext()));
    this.pool = TestFiles.daemonPool("token-server");
    server.setExecutor(pool);
    server.createContext("/token", this::handle);
  }

  /**
   * Starts one on 127.0.0.1 with an ephemeral port, using the CA's server and token certificates.
   */
  public static TokenServer start(TestCa ca) throws IOException {
    TokenServer t = new TokenServer(ca);
    t.server.start();
    return t;
  }

  /** Adds (or replaces) a user. */
  public TokenServer user(String name, String password) {
    users.put(name, password);
    return this;
  }

  /** Sets the access policy. */
  public TokenServer policy(Policy p) {
    this.policy = p;
    return this;
  }

  /** The realm URL for the registry config. */
  public String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** Number of token requests served (including refused ones). */
  public int requestCount() {
    return requests.get();
  }

  /** Every bearer token handed out so far (e.g. to check that none reaches any output). */
  public List<String> issuedTokens() {
    synchronized (issued) {
      return List.copyOf(issued);
    }
  }

  /** Every {@code scope} parameter received, in order. */
  public List<String> scopesSeen() {
    synchronized (scopesSeen) {
      return List.copyOf(scopesSeen);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      String user = null;
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
        String decoded =
            new String(
                Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String name = colon < 0 ? decoded : decoded.substring(0, colon);
        String pass = colon < 0 ? "" : decoded.substring(colon + 1);
        if (!pass.equals(users.get(name))) {
          send(ex, 401, "{\"details\":\"incorrect username or password\"}");
          return;
        }
        user = name;
      }
      Map<String, List<String>> query = parseQuery(ex.getRequestURI().getRawQuery());
      List<Map<String, Object>> access = new ArrayList<>();
      for (String scopeParam : query.getOrDefault("scope", List.of())) {
        for (String scope : scopeParam.split(" ")) {
          scopesSeen.add(scope);
          int first = scope.indexOf(':');
          int last = scope.lastIndexOf(':');
          if (first < 0 || last <= first) {
            continue;
          }
          String type = scope.substring(0, first);
          String name = scope.substring(first + 1, last);
          Set<String> requested =
              new LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
          Set<String> granted =
              "repository".equals(type) ? policy.grant(user, name, requested) : Set.of();
          Map<String, Object> claim = new LinkedHashMap<>();
          claim.put("type", type);
          claim.put("name", name);
          claim.put("actions", List.copyOf(granted));
          access.add(claim);
        }
      }
      String token = jwt(user, access);
      issued.add(token);
      send(
          ex,
          200,
          "{\"token\":\""
              + token
              + "\",\"access_token\":\""
              + token
              + "\",\"expires_in\":300,\"issued_at\":\""
              + Instant.now()
              + "\"}");
    } catch (RuntimeException | GeneralSecurityException e) {
      send(ex, 500, "{\"details\":\"" + e + "\"}");
    }
  }

  private String jwt(String user, List<Map<String, Object>> access)
      throws GeneralSecurityException {
    long now = Instant.now().getEpochSecond();
    String header =
        "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\""
            + libtrustKeyId(cert.getPublicKey().getEncoded())
            + "\",\"x5c\":[\""
            + Base64.getEncoder().encodeToString(cert.getEncoded())
            + "\"]}";
    StringBuilder accessJson = new StringBuilder("[");
    for (Map<String, Object> claim : access) {
      if (accessJson.length() > 1) {
        accessJson.append(',');
      }
      accessJson
          .append("{\"type\":\"")
          .append(claim.get("type"))
          .append("\",\"name\":\"")
          .append(claim.get("name"))
          .append("\",\"actions\":[");
      @SuppressWarnings("unchecked")
      List<String> actions = (List<String>) claim.get("actions");
      for (int i = 0; i < actions.size(); i++) {
        accessJson.append(i > 0 ? "," : "").append('"').append(actions.get(i)).append('"');
      }
      accessJson.append("]}");
    }
    accessJson.append(']');
    String claims =
        "{\"iss\":\""
            + ISSUER
            + "\",\"sub\":\""
            + (user == null ? "" : user)
            + "\",\"aud\":\""
            + SERVICE
            + "\",\"exp\":"
            + (now + 300)
            + ",\"nbf\":"
            + (now - 10)
            + ",\"iat\":"
            + now
            + ",\"jti\":\""
            + UUID.randomUUID()
            + "\",\"access\":"
            + accessJson
            + "}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initSign(key);
    sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(sig.sign());
  }

  /** The key id libtrust (used by distribution) derives from a DER public key. */
  static String libtrustKeyId(byte[] spki) throws GeneralSecurityException {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(spki);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder b32 = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < 30; i++) {
      buffer = (buffer << 8) | (hash[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        b32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b32.length(); i += 4) {
      if (i > 0) {
        out.append(':');
      }
      out.append(b32, i, Math.min(i + 4, b32.length()));
    }
    return out.toString();
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (status == 401) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
