package io.github.cdkecrdeployment.handler.auth;

/**
 * A credential could not be resolved: a secret is missing, unreadable or malformed, or a registry
 * token could not be obtained. The message names the property and the secret or registry, says how
 * to fix it, and never contains a credential.
 */
public class CredentialException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates one. */
  public CredentialException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates one. */
  public CredentialException(String message) {
    super(message);
  }
}
