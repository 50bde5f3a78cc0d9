package io.github.cdkecrdeployment.handler;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The handler's logger: one plain line per event, to a {@link PrintStream} (stdout in Lambda, where
 * it lands in CloudWatch Logs). Every line passes through redaction of the secrets registered with
 * {@link #redact(String)}, so a password or token that slips into a message never reaches the log.
 * Thread-safe.
 */
public final class Log {
  /** Severity, lowest first. */
  public enum Level {
    /** Details for debugging. */
    DEBUG,
    /** Stages and blobs. */
    INFO,
    /** Something odd that does not fail the copy. */
    WARN,
    /** A failure. */
    ERROR
  }

  /** Shortest secret that is redacted; shorter ones would blank out ordinary words. */
  private static final int MIN_SECRET_LENGTH = 4;

  /**
   * Most secrets kept. A warm Lambda sandbox registers new ones with every event (each response URL
   * is new), so the oldest are forgotten beyond this many: by then the invocation that used them
   * has long ended, and the list (scanned on every line) stays small.
   */
  static final int MAX_SECRETS = 256;

  private final PrintStream out;
  private final Level level;
  private final Clock clock;

  /**
   * The registered secrets, longest first, so a secret that contains another (a URL and its query)
   * goes whole. Replaced on each registration (rare), read without a lock on every line.
   */
  private volatile List<String> secrets = List.of();

  /** The same secrets in the order they were registered, oldest first (guarded by this). */
  private final java.util.LinkedHashSet<String> registered = new java.util.LinkedHashSet<>();

  /**
   * Creates one.
   *
   * @param out where lines go
   * @param level the lowest level written
   * @param clock for timestamps
   */
  public Log(PrintStream out, Level level, Clock clock) {
    this.out = out;
    this.level = level;
    this.clock = clock;
  }

  /**
   * A logger on {@code System.out} at the level named by the {@code LOG_LEVEL} environment variable
   * (DEBUG, INFO, WARN, ERROR; default INFO).
   */
  public static Log fromEnvironment() {
    return new Log(System.out, parseLevel(System.getenv("LOG_LEVEL")), Clock.systemUTC());
  }

  /** Parses a level name case-insensitively; null, empty or unknown names give INFO. */
  static Level parseLevel(String name) {
    if (name == null || name.isBlank()) {
      return Level.INFO;
    }
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("WARNING")) {
      return Level.WARN;
    }
    for (Level l : Level.values()) {
      if (l.name().equals(n)) {
        return l;
      }
    }
    return Level.INFO;
  }

  /** Registers a secret (password, token, signed URL) that must never appear in output. */
  public synchronized void redact(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    // Registering again makes a secret the newest.
    registered.remove(secret);
    registered.add(secret);
    while (registered.size() > MAX_SECRETS) {
      registered.remove(registered.iterator().next());
    }
    List<String> ordered = new ArrayList<>(registered);
    ordered.sort(Comparator.comparingInt(String::length).reversed());
    secrets = List.copyOf(ordered);
  }

  /** How many secrets are registered (at most {@link #MAX_SECRETS}). */
  int secretCount() {
    return secrets.size();
  }

  /** Replaces every registered secret in {@code text} with {@code <redacted>}. */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String s = text;
    for (String secret : secrets) {
      if (s.contains(secret)) {
        s = s.replace(secret, "<redacted>");
      }
    }
    return s;
  }

  /** True when lines at {@code l} are written. */
  public boolean enabled(Level l) {
    return l.compareTo(level) >= 0;
  }

  /** Writes a DEBUG line. */
  public void debug(String message) {
    write(Level.DEBUG, message);
  }

  /** Writes an INFO line. */
  public void info(String message) {
    write(Level.INFO, message);
  }

  /** Writes a WARN line. */
  public void warn(String message) {
    write(Level.WARN, message);
  }

  /** Writes an ERROR line. */
  public void error(String message) {
    write(Level.ERROR, message);
  }

  private void write(Level l, String message) {
    if (!enabled(l)) {
      return;
    }
    // One println per line keeps concurrent lines from interleaving mid-line.
    String line = Instant.now(clock) + " " + l + " " + scrub(message).replace('\n', ' ');
    out.println(line);
  }
}
