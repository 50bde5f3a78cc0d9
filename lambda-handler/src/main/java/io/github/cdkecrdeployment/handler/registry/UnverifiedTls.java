package io.github.cdkecrdeployment.handler.registry;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust-all TLS context of the command line's {@code --src-tls-verify=false} / {@code
 * --dest-tls-verify=false}, for a local registry only; built on first use. Nothing else reaches it:
 * no custom-resource property turns verification off, and a repository view opened with {@code
 * tlsVerify=false} never sends a credential over the plain-HTTP fallback.
 */
final class UnverifiedTls {
  private UnverifiedTls() {}

  static final SSLContext CONTEXT = build();

  /**
   * One socket factory for every connection: the JDK's keep-alive cache reuses a connection only
   * for the same factory instance, and the context makes a new one per call.
   */
  static final SSLSocketFactory SOCKET_FACTORY = CONTEXT.getSocketFactory();

  /** Accepts any host name (the certificate is not checked either). */
  static final HostnameVerifier ANY_HOST = (host, session) -> true;

  private static SSLContext build() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager tm =
          new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          };
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
