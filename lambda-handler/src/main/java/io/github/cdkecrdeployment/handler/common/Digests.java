package io.github.cdkecrdeployment.handler.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The {@code sha256:<hex>} content digests of the registry API. */
public final class Digests {
  private Digests() {}

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return format(newSha256().digest(bytes));
  }

  /** A fresh SHA-256 digest, for content that is hashed as it streams. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** {@code sha256:<hex>} of a finished SHA-256 hash. */
  public static String format(byte[] sha256) {
    return "sha256:" + HexFormat.of().formatHex(sha256);
  }
}
