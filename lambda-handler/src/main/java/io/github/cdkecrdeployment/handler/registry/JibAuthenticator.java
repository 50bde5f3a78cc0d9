package io.github.cdkecrdeployment.handler.registry;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The only class that touches jib-core (pinned to {@value #EXPECTED_JIB_VERSION}): it runs the
 * registry's authentication handshake — anonymous and credentialed bearer tokens as Docker Hub
 * issues them, basic auth, token refresh, and for a cross-repository mount a token that also grants
 * pull on the source repository — and hands out the {@code Authorization} header value jib-core
 * negotiated. Every request then goes over this package's own {@link Transport}.
 *
 * <p>jib-core keeps that header in a private field with no getter, so it is read by reflection.
 * That access is resolved lazily, on the first handshake, inside the copy (whose failures always
 * become a CloudFormation response); when it fails (another jib-core version, a restrictive
 * runtime) the copy fails with a {@link RegistryException} naming the version found and the one
 * expected. Thread-safe.
 */
final class JibAuthenticator {
  /** The jib-core version whose private field this class reads. */
  static final String EXPECTED_JIB_VERSION = "0.28.1";

  /** A bearer token older than this is renegotiated before use (registry tokens last minutes). */
  private static final Duration TOKEN_MAX_AGE = Duration.ofMinutes(2);

  private final ImageReference reference;
  private final Credential credential;
  private final boolean pushScope;
  private final FailureClassifier failures;
  private final String mountFrom;
  private final boolean tlsVerify;
  // jib-core's client, made on the first bearer handshake: a registry without login or with basic
  // auth (ECR's) never loads jib-core, Guava and Apache HttpClient, which a cold start would pay.
  private FailoverHttpClient jibHttp;
  private RegistryClient client;
  private String basic;
  private long negotiatedAt;

  /**
   * @param reference the repository
   * @param credential the credential, or null for anonymous access
   * @param pushScope true to ask for push and pull, false for pull only
   * @param mountFrom for a cross-repository mount, the repository of the same registry the token
   *     must also grant pull on; else null
   * @param tlsVerify false only for the command line's {@code --*-tls-verify=false}
   * @param failures words the handshake's failures
   */
  JibAuthenticator(
      ImageReference reference,
      Credential credential,
      boolean pushScope,
      String mountFrom,
      boolean tlsVerify,
      FailureClassifier failures) {
    this.reference = reference;
    this.credential = credential;
    this.pushScope = pushScope;
    this.failures = failures;
    this.mountFrom = mountFrom;
    this.tlsVerify = tlsVerify;
  }

  private RegistryClient jib() {
    if (client != null) {
      return client;
    }
    // tlsVerify=false lets jib fall back to unverified HTTPS and plain HTTP, as skopeo's flag does.
    jibHttp = new FailoverHttpClient(!tlsVerify, false, event -> {});
    RegistryClient.Factory f =
        mountFrom == null
            ? RegistryClient.factory(
                EventHandlers.NONE, reference.registry(), reference.repository(), jibHttp)
            : RegistryClient.factory(
                EventHandlers.NONE,
                reference.registry(),
                reference.repository(),
                mountFrom,
                jibHttp);
    if (credential != null) {
      f.setCredential(
          com.google.cloud.tools.jib.api.Credential.from(
              credential.username(), credential.password()));
    }
    client = f.setUserAgent(Transport.USER_AGENT).newRegistryClient();
    return client;
  }

  /**
   * The first handshake, from the registry's answer to {@code GET /v2/}: basic auth, or (pull) a
   * token fetched from the challenge without asking {@code /v2/} again; a push token goes through
   * jib-core's full handshake.
   *
   * @return the header value to send, or null for none
   */
  synchronized String negotiateFrom(int status, String challenge) throws IOException {
    boolean bearer =
        status == 401 && challenge != null && challenge.regionMatches(true, 0, "Bearer", 0, 6);
    if (bearer && pushScope) {
      return negotiate();
    }
    try {
      if (bearer) {
        jib().authPullByWwwAuthenticate(challenge);
      } else if (credential != null) {
        // What jib-core's configureBasicAuth sets, without loading it.
        basic =
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (credential.username() + ":" + credential.password())
                            .getBytes(StandardCharsets.UTF_8));
      }
      negotiatedAt = System.nanoTime();
    } catch (com.google.cloud.tools.jib.api.RegistryException e) {
      throw translate(e);
    } finally {
      releaseJibTransports();
    }
    return current();
  }

  /** Runs the full handshake again (a token expired or was refused); returns the new header. */
  synchronized String negotiate() throws IOException {
    try {
      RegistryClient c = jib();
      boolean bearer = pushScope ? c.doPushBearerAuth() : c.doPullBearerAuth();
      if (!bearer && credential != null) {
        c.configureBasicAuth();
      }
      negotiatedAt = System.nanoTime();
    } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
      throw translate(e);
    } finally {
      releaseJibTransports();
    }
    return current();
  }

  /** Negotiates once (the first caller does it, the others wait); returns the header. */
  synchronized String ensureNegotiated() throws IOException {
    if (negotiatedAt == 0) {
      negotiate();
    }
    return header();
  }

  /** The header to send; a bearer token close to expiry is renegotiated first. */
  synchronized String header() throws IOException {
    String h = current();
    if (h != null
        && h.startsWith("Bearer ")
        && System.nanoTime() - negotiatedAt > TOKEN_MAX_AGE.toNanos()) {
      return negotiate();
    }
    return h;
  }

  /** Transports jib-core still holds open (for tests: the handshake releases them). */
  int jibTransportsHeld() {
    return jibHttp == null ? 0 : jibHttp.getTransportsCreated().size();
  }

  private String current() throws RegistryException {
    String h = client == null ? null : AuthorizationField.read(client);
    return h != null ? h : basic;
  }

  /**
   * jib-core opens a transport (an HTTP client with its own connection pool) per request and keeps
   * each until {@code shutDown}; only the handshake goes through it, so release them after each.
   */
  private void releaseJibTransports() {
    if (jibHttp == null) {
      return;
    }
    try {
      jibHttp.shutDown();
    } catch (IOException | RuntimeException e) {
      // Best effort: what is left is closed when it is garbage-collected.
    }
  }

  private RegistryException translate(Exception e) {
    String action = (pushScope ? "push to " : "pull from ") + reference.repositoryUri();
    if (e instanceof RegistryException r) {
      return r;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException || FailureClassifier.isUntrusted(t)) {
        return failures.certificate(t);
      }
      if (t instanceof InsecureRegistryException) {
        return failures.certificate(new SSLException(t.getMessage(), t.getCause()));
      }
      if (t instanceof RegistryUnauthorizedException
          || t instanceof RegistryCredentialsNotSentException) {
        return failures.status(action, 401, null, null);
      }
      if (t instanceof ResponseException re) {
        byte[] body =
            re.getContent() == null ? null : re.getContent().getBytes(StandardCharsets.UTF_8);
        return failures.status(action, re.getStatusCode(), body, null);
      }
    }
    if (e instanceof RegistryAuthenticationFailedException) {
      return new RegistryException(
          "unauthorized: "
              + action
              + " denied — the token service refused the credential: "
              + e.getMessage()
              + "; "
              + failures.credentialsFix(),
          401,
          "UNAUTHORIZED",
          e);
    }
    return new RegistryException(action + " failed: " + e.getMessage() + " — retry", 0, null, e);
  }

  /** jib-core's private {@code authorization} field, looked up on first use. */
  static final class AuthorizationField {
    private static volatile Field field;

    private AuthorizationField() {}

    static String read(RegistryClient client) throws RegistryException {
      try {
        Object value = ((AtomicReference<?>) field().get(client)).get();
        return value == null ? null : value.toString();
      } catch (IllegalAccessException | RuntimeException e) {
        throw unavailable(e);
      }
    }

    private static Field field() throws RegistryException {
      Field f = field;
      if (f == null) {
        try {
          f = RegistryClient.class.getDeclaredField("authorization");
          f.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          throw unavailable(e);
        }
        field = f;
      }
      return f;
    }

    private static RegistryException unavailable(Throwable e) {
      return new RegistryException(
          "cannot use jib-core for the registry login: found jib-core "
              + foundVersion()
              + ", this handler is written for jib-core "
              + EXPECTED_JIB_VERSION
              + " ("
              + e
              + "); build the handler with jib-core "
              + EXPECTED_JIB_VERSION
              + " (the version the project pins)",
          0,
          "JIB_INCOMPATIBLE",
          e) {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isTransient() {
          return false;
        }
      };
    }

    /** The jib-core version on the class path, from its Maven metadata. */
    static String foundVersion() {
      try (InputStream in =
          RegistryClient.class.getResourceAsStream(
              "/META-INF/maven/com.google.cloud.tools/jib-core/pom.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          return p.getProperty("version", "(unknown version)");
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      }
      Package p = RegistryClient.class.getPackage();
      String v = p == null ? null : p.getImplementationVersion();
      return v != null ? v : "(unknown version)";
    }
  }
}
