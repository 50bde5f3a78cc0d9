package io.github.cdkecrdeployment.handler.testing;

import io.github.cdkecrdeployment.handler.registry.Credential;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code /usr/bin/docker-registry} (CNCF distribution 2.8) on 127.0.0.1 with an ephemeral
 * port, TLS from a {@link TestCa}, in one of three {@link Auth} flavours. Start with {@link
 * #start(Options)}, stop with {@link #close()} (by PID). Usable with or without JUnit; see {@link
 * RegistryExtension} for the JUnit 5 form.
 */
public final class RegistryServer implements AutoCloseable {
  /** Path of the registry binary (Debian package {@code docker-registry}). */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  /** User name of the credential that basic and token flavours accept. */
  public static final String USER = "tester";

  /** Password of {@link #USER}. */
  public static final String PASSWORD = "s3cret-Pa55";

  /** {@link #USER} and {@link #PASSWORD} as a Secrets Manager secret's JSON form holds them. */
  public static final String SECRET_JSON =
      "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}";

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  /** How clients authenticate. */
  public enum Auth {
    /** No auth at all. */
    ANONYMOUS,
    /** htpasswd (bcrypt) basic auth; {@link #USER}/{@link #PASSWORD}. */
    BASIC,
    /** Bearer tokens from a {@link TokenServer}; anonymous clients may pull. */
    TOKEN
  }

  /**
   * How to start one.
   *
   * @param auth the flavour
   * @param ca the CA whose server certificate the registry presents
   */
  public record Options(Auth auth, TestCa ca) {
    /** Anonymous, shared CA. */
    public static Options anonymous() {
      return new Options(Auth.ANONYMOUS, TestCa.shared());
    }

    /** Basic auth, shared CA. */
    public static Options basic() {
      return new Options(Auth.BASIC, TestCa.shared());
    }

    /** Token auth, shared CA. */
    public static Options token() {
      return new Options(Auth.TOKEN, TestCa.shared());
    }
  }

  private final Options options;
  private final Path dir;
  private final Process process;
  private final int port;
  private final TokenServer tokenServer;

  private RegistryServer(
      Options options, Path dir, Process process, int port, TokenServer tokenServer) {
    this.options = options;
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.tokenServer = tokenServer;
  }

  /**
   * Starts a registry and waits until it answers {@code /v2/}.
   *
   * @throws IllegalStateException when {@code /usr/bin/docker-registry} is missing (install it with
   *     {@code apt-get install docker-registry})
   */
  public static RegistryServer start(Options options) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing; install it with: apt-get install docker-registry");
    }
    TestCa ca = options.ca();
    Path dir = Files.createTempDirectory("registry-");
    TokenServer tokens = null;
    StringBuilder yml = new StringBuilder();
    yml.append("version: 0.1\n")
        .append("log:\n  level: info\n  formatter: text\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(dir.resolve("data"))
        .append("\n  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: 127.0.0.1:0\n  secret: test-registry-secret\n")
        .append("  tls:\n    certificate: ")
        .append(ca.serverCertPem())
        .append("\n    key: ")
        .append(ca.serverKeyPem())
        .append('\n');
    switch (options.auth()) {
      case ANONYMOUS -> {}
      case BASIC -> {
        Path htpasswd = dir.resolve("htpasswd");
        htpasswd(htpasswd);
        yml.append("auth:\n  htpasswd:\n    realm: test-registry\n    path: ")
            .append(htpasswd)
            .append('\n');
      }
      case TOKEN -> {
        tokens = TokenServer.start(ca).user(USER, PASSWORD);
        yml.append("auth:\n  token:\n    realm: ")
            .append(tokens.realm())
            .append("\n    service: ")
            .append(TokenServer.SERVICE)
            .append("\n    issuer: ")
            .append(TokenServer.ISSUER)
            .append("\n    rootcertbundle: ")
            .append(ca.caPem())
            .append('\n');
      }
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yml);
    Path log = dir.resolve("registry.log");
    Process p =
        new ProcessBuilder(BINARY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    try {
      int port = waitForPort(p, log);
      RegistryServer server = new RegistryServer(options, dir, p, port, tokens);
      server.waitReady();
      return server;
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      if (tokens != null) {
        tokens.close();
      }
      throw e;
    }
  }

  private static void htpasswd(Path file) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder("htpasswd", "-Bbn", USER, PASSWORD).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "htpasswd is missing; install it with: apt-get install apache2-utils", e);
    }
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("htpasswd failed");
      }
      Files.write(file, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static int waitForPort(Process p, Path log) throws IOException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = LISTENING.matcher(text);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!p.isAlive()) {
        throw new IOException("docker-registry exited at start: " + text);
      }
      sleep(20);
    }
    p.destroyForcibly();
    throw new IOException("docker-registry did not start within 20 s; log: " + log);
  }

  private void waitReady() throws IOException {
    HttpClient client = HttpClient.newBuilder().sslContext(options.ca().clientSslContext()).build();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    IOException last = null;
    while (System.nanoTime() < end) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      sleep(20);
    }
    throw new IOException("docker-registry on port " + port + " never answered /v2/", last);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code 127.0.0.1:PORT}: the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String url() {
    return "https://" + host();
  }

  /** {@code 127.0.0.1:PORT/repository:tag}. */
  public String image(String repository, String tag) {
    return host() + "/" + repository + ":" + tag;
  }

  /** The flavour. */
  public Auth auth() {
    return options.auth();
  }

  /** The CA it trusts and presents. */
  public TestCa ca() {
    return options.ca();
  }

  /** The credential that works for basic and token flavours; null for anonymous ones. */
  public Credential credential() {
    return options.auth() == Auth.ANONYMOUS ? null : new Credential(USER, PASSWORD);
  }

  /** {@code USER:PASSWORD} for skopeo/CLI, or null for anonymous registries. */
  public String credentialString() {
    return options.auth() == Auth.ANONYMOUS ? null : USER + ":" + PASSWORD;
  }

  /** The token server of a {@link Auth#TOKEN} registry, else null. */
  public TokenServer tokenServer() {
    return tokenServer;
  }

  /** The registry's log file (one line per request). */
  public Path logFile() {
    return dir.resolve("registry.log");
  }

  /** The registry's PID. */
  public long pid() {
    return process.pid();
  }

  /** A plain HTTP client for this registry, authenticating as {@link #USER} when needed. */
  public RegistryHttp http() {
    return new RegistryHttp(url(), ca().clientSslContext(), credential());
  }

  /** Stops the registry by PID and deletes its storage. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (tokenServer != null) {
      tokenServer.close();
    }
    TestFiles.deleteTree(dir);
  }

  /** The arguments skopeo needs for this registry as a source ({@code src}) or destination. */
  public List<String> skopeoArgs(String side) {
    List<String> args = new java.util.ArrayList<>();
    args.add("--" + side + "-cert-dir=" + ca().certDir());
    if (credentialString() != null) {
      args.add("--" + side + "-creds=" + credentialString());
    }
    return args;
  }
}
