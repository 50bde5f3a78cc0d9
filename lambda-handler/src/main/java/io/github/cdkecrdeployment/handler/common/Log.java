package io.github.cdkecrdeployment.handler.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The handler's logger: one line per event, to a {@link PrintStream} (stdout in Lambda, where it
 * lands in CloudWatch Logs). Thread-safe.
 *
 * <h2>Formats</h2>
 *
 * <ul>
 *   <li>{@link Format#TEXT} (the default): {@code 2026-01-02T03:04:05Z INFO message}.
 *   <li>{@link Format#JSON}, chosen by the function's log format ({@code
 *       AWS_LAMBDA_LOG_FORMAT=JSON}, <a
 *       href="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html">Lambda
 *       advanced logging controls</a>): one JSON object per line with {@code timestamp}, {@code
 *       level}, {@code message}, {@code requestId} (of the invocation, see {@link
 *       #requestId(String)}; absent outside one) and the event's fields. Lambda filters JSON lines
 *       on their {@code level}; CloudWatch Logs Insights queries the fields.
 * </ul>
 *
 * <h2>Fields</h2>
 *
 * A message can carry named values: {@code log.info("blob copied", Log.field("digest", d),
 * Log.field("bytes", n))}. In JSON they are fields of the line (a number stays a number); in text
 * the message alone is written, so it must say what matters by itself. Names must not be one of the
 * line's own keys ({@code timestamp}, {@code level}, {@code message}, {@code requestId}).
 *
 * <h2>Redaction</h2>
 *
 * Every secret registered with {@link #redact(String)} is replaced by {@code <redacted>} in the
 * message and in every field value (a number whose digits contain a secret is written as the
 * redacted string), in both formats, so a password or token that slips into a message never reaches
 * the log.
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

  /** How lines are written. */
  public enum Format {
    /** {@code timestamp LEVEL message}: the default. */
    TEXT,
    /** One JSON object per line. */
    JSON;

    /** {@code JSON} (any case) gives JSON; anything else, null included, TEXT. */
    static Format parse(String name) {
      return name != null && name.trim().equalsIgnoreCase("JSON") ? JSON : TEXT;
    }
  }

  /**
   * A named value of a log line.
   *
   * @param name the JSON key
   * @param value a {@link String}, {@link Number} or {@link Boolean}; anything else is written as
   *     its {@code toString()}
   */
  public record Field(String name, Object value) {
    /** Checks the name. */
    public Field {
      if (name == null || RESERVED.contains(name)) {
        throw new IllegalArgumentException(
            "log field name " + name + " is reserved; use another name than " + RESERVED);
      }
    }
  }

  /** The keys every JSON line has. */
  private static final Set<String> RESERVED = Set.of("timestamp", "level", "message", "requestId");

  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  /** Shortest secret that is redacted; shorter ones would blank out ordinary words. */
  private static final int MIN_SECRET_LENGTH = 4;

  /**
   * Most secrets kept. A warm Lambda sandbox registers new ones with every event (each response URL
   * is new), so the oldest are forgotten beyond this many: by then the invocation that used them
   * has long ended, and the list (scanned on every line) stays small.
   */
  public static final int MAX_SECRETS = 256;

  private final PrintStream out;
  private final Level level;
  private final Clock clock;
  private final Format format;

  /** The current invocation's request id (Lambda runs one invocation at a time), or null. */
  private volatile String requestId;

  /**
   * The registered secrets, longest first, so a secret that contains another (a URL and its query)
   * goes whole. Replaced on each registration (rare), read without a lock on every line.
   */
  private volatile List<String> secrets = List.of();

  /** The same secrets in the order they were registered, oldest first (guarded by this). */
  private final java.util.LinkedHashSet<String> registered = new java.util.LinkedHashSet<>();

  /**
   * Creates one writing {@link Format#TEXT}.
   *
   * @param out where lines go
   * @param level the lowest level written
   * @param clock for timestamps
   */
  public Log(PrintStream out, Level level, Clock clock) {
    this(out, level, clock, Format.TEXT);
  }

  /**
   * Creates one.
   *
   * @param out where lines go
   * @param level the lowest level written
   * @param clock for timestamps
   * @param format how lines are written
   */
  public Log(PrintStream out, Level level, Clock clock, Format format) {
    this.out = out;
    this.level = level;
    this.clock = clock;
    this.format = format;
  }

  /**
   * A logger on {@code System.out} configured by the environment: see {@link #fromEnvironment(Map,
   * PrintStream, Clock)}.
   */
  public static Log fromEnvironment() {
    return fromEnvironment(System.getenv(), System.out, Clock.systemUTC());
  }

  /**
   * A logger configured by environment variables.
   *
   * <ul>
   *   <li>format: {@code AWS_LAMBDA_LOG_FORMAT} ({@code JSON} or {@code Text}, default text), which
   *       Lambda sets from the function's logging config;
   *   <li>level: {@code AWS_LAMBDA_LOG_LEVEL} (the function's application log level, which Lambda
   *       sets in JSON format), else {@code LOG_LEVEL}; TRACE, DEBUG, INFO, WARN, ERROR, FATAL,
   *       default INFO (TRACE writes DEBUG and up, FATAL writes ERROR).
   * </ul>
   */
  static Log fromEnvironment(Map<String, String> env, PrintStream out, Clock clock) {
    String lambdaLevel = env.get("AWS_LAMBDA_LOG_LEVEL");
    String levelName =
        lambdaLevel != null && !lambdaLevel.isBlank() ? lambdaLevel : env.get("LOG_LEVEL");
    return new Log(
        out, parseLevel(levelName), clock, Format.parse(env.get("AWS_LAMBDA_LOG_FORMAT")));
  }

  /** A field for {@link #info(String, Field...)} and the other level methods. */
  public static Field field(String name, Object value) {
    return new Field(name, value);
  }

  /** The format lines are written in. */
  public Format format() {
    return format;
  }

  /**
   * Sets the request id that JSON lines carry from now on: the invocation's {@code
   * Context.getAwsRequestId()}, or null outside an invocation.
   */
  public void requestId(String id) {
    this.requestId = id;
  }

  /**
   * Parses a level name case-insensitively (Lambda's names included: TRACE is DEBUG, FATAL is
   * ERROR); null, empty or unknown names give INFO.
   */
  static Level parseLevel(String name) {
    if (name == null || name.isBlank()) {
      return Level.INFO;
    }
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("WARNING")) {
      return Level.WARN;
    }
    if (n.equals("TRACE")) {
      return Level.DEBUG;
    }
    if (n.equals("FATAL")) {
      return Level.ERROR;
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
  public int secretCount() {
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
  public void debug(String message, Field... fields) {
    write(Level.DEBUG, message, fields);
  }

  /** Writes an INFO line. */
  public void info(String message, Field... fields) {
    write(Level.INFO, message, fields);
  }

  /** Writes a WARN line. */
  public void warn(String message, Field... fields) {
    write(Level.WARN, message, fields);
  }

  /** Writes an ERROR line. */
  public void error(String message, Field... fields) {
    write(Level.ERROR, message, fields);
  }

  /**
   * Writes a line at {@code l}, if enabled.
   *
   * @param l the level
   * @param message what happened; redacted
   * @param fields named values (JSON only); their values redacted
   */
  public void write(Level l, String message, Field... fields) {
    if (!enabled(l)) {
      return;
    }
    String text = scrub(message == null ? "" : message);
    // One println per line keeps concurrent lines from interleaving mid-line.
    out.println(
        format == Format.JSON
            ? json(l, text, fields)
            : Instant.now(clock) + " " + l + " " + text.replace('\n', ' '));
  }

  private String json(Level l, String message, Field... fields) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON_FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.now(clock).toString());
      g.writeStringField("level", l.name());
      g.writeStringField("message", message);
      String id = requestId;
      if (id != null) {
        g.writeStringField("requestId", scrub(id));
      }
      for (Field f : fields) {
        Object v = f.value();
        if (v == null) {
          g.writeNullField(f.name());
        } else if (v instanceof Number || v instanceof Boolean) {
          String digits = v.toString();
          String scrubbed = scrub(digits);
          if (!scrubbed.equals(digits)) {
            g.writeStringField(f.name(), scrubbed);
          } else if (v instanceof Boolean b) {
            g.writeBooleanField(f.name(), b);
          } else if ((v instanceof Double || v instanceof Float)
              && !Double.isFinite(((Number) v).doubleValue())) {
            // JSON has no NaN or infinity.
            g.writeStringField(f.name(), digits);
          } else {
            g.writeFieldName(f.name());
            g.writeNumber(digits);
          }
        } else {
          g.writeStringField(f.name(), scrub(v.toString()));
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
