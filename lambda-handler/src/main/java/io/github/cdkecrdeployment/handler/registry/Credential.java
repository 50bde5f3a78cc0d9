package io.github.cdkecrdeployment.handler.registry;

import java.util.Objects;

/**
 * A username and password for one registry. {@link #toString()} never shows the password, so a
 * credential that reaches a log line or an exception message leaks nothing.
 *
 * @param username the user name, never empty
 * @param password the password or token, never empty
 */
public record Credential(String username, String password) {
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

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=<redacted>]";
  }
}
