package io.github.cdkecrdeployment.handler.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one place that decides what a registry failure means: an HTTP answer (status, registry error
 * document, {@code Retry-After}) or a failure without an answer (reset, timeout, TLS) becomes a
 * {@link RegistryException} whose message names the request and the fix, and whose {@link
 * RegistryException#isTransient()} says whether to try again.
 *
 * <p>Only a certificate the JVM does not trust (or that names another host) is a {@link
 * TlsTrustException}; any other TLS failure (a reset inside an encrypted stream, a closed
 * connection) is an ordinary transient transport failure, and so is a socket timeout.
 */
final class FailureClassifier {

  private final String registry;
  private final String repository;
  private final boolean push;
  private final Credential credential;

  /**
   * @param registry the host, for reachability and TLS messages
   * @param repository {@code registry/repository}, for credential fixes
   * @param push true for the destination side
   * @param credential the credential in use, or null
   */
  FailureClassifier(String registry, String repository, boolean push, Credential credential) {
    this.registry = registry;
    this.repository = repository;
    this.push = push;
    this.credential = credential;
  }

  /**
   * A failure without an answer. Interruptions that are not timeouts are returned as they are (the
   * thread was asked to stop).
   */
  IOException transport(String what, IOException e) {
    if (e instanceof RegistryException r) {
      return r;
    }
    if (isUntrusted(e)) {
      return certificate(e);
    }
    if (isNotTls(e)) {
      return notTls(e);
    }
    if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException) {
      return new RegistryException(what + ": timed out — retry", 0, "TIMEOUT", e);
    }
    if (e instanceof InterruptedIOException) {
      return e;
    }
    return new RegistryException(
        what + " failed: " + e + " — check that " + registry + " is reachable; retry", 0, null, e);
  }

  /** True when {@code e} says the peer's certificate is not trusted or names another host. */
  static boolean isUntrusted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** True when the peer answered the TLS handshake with something that is not TLS. */
  static boolean isNotTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof javax.net.ssl.SSLException
          && m != null
          && (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * The first TLS handshake with the registry failed: a certificate the JVM does not trust, a
   * server that does not speak TLS on that port, or one that drops the handshake. Permanent.
   */
  TlsTrustException handshake(RegistryException e) {
    if (e instanceof TlsTrustException t) {
      return t;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new TlsTrustException(
        "TLS handshake with "
            + registry
            + " failed: "
            + root
            + " — check that "
            + registry
            + " serves HTTPS on that port (images and credentials are only exchanged over HTTPS)",
        e);
  }

  /** The registry does not speak TLS on that port: retrying cannot change that. */
  TlsTrustException notTls(Throwable e) {
    return new TlsTrustException(
        registry
            + " does not answer with TLS (it looks like a plain-HTTP server): images and"
            + " credentials are only exchanged over HTTPS; serve the registry over HTTPS (command"
            + " line only, for a local registry copied anonymously: --"
            + (push ? "dest" : "src")
            + "-tls-verify=false)",
        e);
  }

  TlsTrustException certificate(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new TlsTrustException(
        "TLS certificate problem with "
            + registry
            + ": "
            + root.getMessage()
            + " — the certificate is not trusted by this JVM; add the registry's CA to a trust"
            + " store and run java with -Djavax.net.ssl.trustStore=<file>"
            + " -Djavax.net.ssl.trustStorePassword=<password> (command line only for a local"
            + " registry: --"
            + (push ? "dest" : "src")
            + "-tls-verify=false)",
        e);
  }

  /** An HTTP answer that is not what {@code action} expected. */
  RegistryException status(String action, int status, byte[] body, String retryAfter) {
    String code = null;
    String message = null;
    if (body != null && body.length > 0) {
      try {
        JsonNode first = Json.read(body).path("errors").path(0);
        code = first.path("code").isTextual() ? first.path("code").asText() : null;
        message = first.path("message").isTextual() ? first.path("message").asText() : null;
      } catch (IOException | RuntimeException ignored) {
        // not a registry error document: the status alone has to do
      }
    }
    if (code == null) {
      code =
          switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "TOOMANYREQUESTS";
            default -> null;
          };
    }
    String fix;
    String outcome = "failed (HTTP " + status + (message != null ? ": " + message : "") + ")";
    if (status == 401) {
      outcome = "denied (HTTP 401)";
      fix = unauthenticatedFix();
    } else if (status == 403) {
      outcome = "denied (HTTP 403)";
      fix = credentialsFix();
    } else if ("MANIFEST_UNKNOWN".equals(code) || (status == 404 && action.contains(":"))) {
      outcome = "not found (HTTP 404)";
      fix = "check that the tag or digest exists in " + repository;
    } else if ("NAME_UNKNOWN".equals(code)) {
      outcome = "failed: repository not found (HTTP " + status + ")";
      fix = "check the repository name; ECR repositories must exist before a push";
    } else if (status == 429) {
      fix = "the registry is rate-limiting; retry later or raise RetryConfigs (--retry-attempts)";
    } else if (status >= 500 || status == 408) {
      fix = "the registry failed; retry or raise RetryConfigs (--retry-attempts)";
    } else {
      fix = "check the image reference and the registry's answer above";
    }
    String prefix = code != null ? code.toLowerCase(Locale.ROOT) + ": " : "";
    RegistryException plain =
        new RegistryException(prefix + action + " " + outcome + " — " + fix, status, code, null);
    Duration wait = plain.isTransient() && retryAfter != null ? parseRetryAfter(retryAfter) : null;
    return wait == null
        ? plain
        : new RegistryException(plain.getMessage(), status, code, null, wait);
  }

  /**
   * The fix for a credential the registry did not accept (401): a wrong user name or password, or
   * an expired token. A token the function's role obtained points at the role instead.
   */
  String unauthenticatedFix() {
    if (credential == null || credential.issuer() != null) {
      return credentialsFix();
    }
    String prop = push ? "DestCreds (--dest-creds)" : "SrcCreds (--src-creds)";
    return "check "
        + prop
        + ": the registry did not accept user '"
        + credential.username()
        + "' with that password (wrong or expired); set the right password or a fresh token";
  }

  /** The fix for a refused credential: the property, or the role that asked for the token. */
  String credentialsFix() {
    String prop = push ? "DestCreds (--dest-creds)" : "SrcCreds (--src-creds)";
    String access = push ? "push to" : "pull from";
    if (credential == null) {
      return "set " + prop + " to a credential allowed to " + access + " " + repository;
    }
    if (credential.issuer() != null) {
      // The token came from the caller's own AWS identity: SrcCreds/DestCreds are not the fix.
      return "the token came from "
          + credential.issuer()
          + ", so the function's role (the AWS identity that asked for it) must be allowed to "
          + access
          + " "
          + repository
          + ": grant it the ECR actions on the repository (addToPrincipalPolicy), check that the"
          + " repository exists and that its repository policy does not deny that identity";
    }
    return "check "
        + prop
        + ": user '"
        + credential.username()
        + "' must be allowed to "
        + access
        + " "
        + repository;
  }

  /** {@code Retry-After} as seconds or an HTTP date; null when unreadable. */
  static Duration parseRetryAfter(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(Instant.now(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
