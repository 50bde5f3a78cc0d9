package io.github.cdkecrdeployment.handler.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Backoff;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The one failure classifier: what is transient, what is a trust problem, Retry-After. */
class FailureClassifierTest {
  private final FailureClassifier c =
      new FailureClassifier("r.example", "r.example/app", false, null);

  @Test
  void aSocketTimeoutIsATransientTimeoutNotAnInterruption() {
    IOException e = c.transport("pull blob x", new SocketTimeoutException("Read timed out"));
    assertTrue(e instanceof RegistryException, e.toString());
    assertTrue(((RegistryException) e).isTransient());
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  @Test
  void aRealInterruptionStaysOne() {
    IOException e = c.transport("x", new InterruptedIOException("stop"));
    assertFalse(e instanceof RegistryException);
  }

  @Test
  void onlyAnUntrustedCertificateIsATrustProblem() {
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    IOException t = c.transport("reach r.example", untrusted);
    assertTrue(t instanceof TlsTrustException, t.toString());
    assertFalse(((RegistryException) t).isTransient());
    assertTrue(t.getMessage().contains("-Djavax.net.ssl.trustStore="), t.getMessage());
    // A reset inside an encrypted stream mid-body is an ordinary transient failure.
    IOException reset =
        c.transport("pull blob x", new SSLException("Connection reset", new SocketException()));
    assertFalse(reset instanceof TlsTrustException, reset.toString());
    assertTrue(((RegistryException) reset).isTransient());
  }

  @Test
  void retryAfterIsReadAndHonouredUpToTheCap() {
    RegistryException e = c.status("pull from r.example/app:v1", 429, null, "3");
    assertTrue(e.isTransient());
    assertEquals(Duration.ofSeconds(3), e.retryAfter());
    Backoff b = new Backoff(5, Duration.ofMillis(10), Duration.ofSeconds(2));
    assertEquals(Duration.ofSeconds(2), b.delayAfter(1, e.retryAfter()));
    assertEquals(Duration.ofMillis(500), b.delayAfter(1, Duration.ofMillis(500)));
    assertNull(c.status("pull", 404, null, "3").retryAfter());
    assertFalse(c.status("pull", 404, null, null).isTransient());
  }
}
