package io.github.cdkecrdeployment.handler.registry;

import java.util.Objects;

/**
 * A username and password for one registry. {@link #toString()} never shows the password, so a
 * credential that reaches a log line or an exception message leaks nothing.
 *
 * @param username the user name, never empty
 * @param password the password or token, never empty
 * @param issuer the service call that issued this token on the caller's behalf (such as {@code
 *     ecr:GetAuthorizationToken in us-east-1}), or null when the user gave the credential; an error
 *     then points at the caller's AWS permissions instead of at {@code SrcCreds}/{@code DestCreds}
 */
public record Credential(String username, String password, String issuer) {
  /** Validates that neither part is null or empty. */
  public Credential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("credential user name is empty");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("credential password is empty for user " + username);
    }
  }

  /** A credential the user gave ({@code SrcCreds}/{@code DestCreds}, {@code --*-creds}). */
  public Credential(String username, String password) {
    this(username, password, null);
  }

  /**
   * A token a service issued on the caller's behalf.
   *
   * @param issuer the service call, e.g. {@code ecr:GetAuthorizationToken in us-east-1}
   */
  public static Credential issued(String username, String password, String issuer) {
    return new Credential(username, password, Objects.requireNonNull(issuer, "issuer"));
  }

  @Override
  public String toString() {
    return "Credential[username="
        + username
        + ", password=<redacted>"
        + (issuer != null ? ", issuer=" + issuer : "")
        + "]";
  }
}
