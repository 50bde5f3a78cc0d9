package io.github.cdkecrdeployment.handler.registry;

/**
 * The registry's TLS certificate is not trusted (or does not name the host). Never transient:
 * retrying cannot make a certificate trusted. The message says how to trust the CA.
 */
public final class TlsTrustException extends RegistryException {
  private static final long serialVersionUID = 1L;

  TlsTrustException(String message, Throwable cause) {
    super(message, 0, "TLS_CERTIFICATE", cause);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
