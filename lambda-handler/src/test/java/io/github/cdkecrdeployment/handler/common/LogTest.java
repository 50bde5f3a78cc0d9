package io.github.cdkecrdeployment.handler.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogTest {
  @Test
  void levelNamesFromLogLevel() {
    assertEquals(Log.Level.INFO, Log.parseLevel(null));
    assertEquals(Log.Level.INFO, Log.parseLevel(""));
    assertEquals(Log.Level.DEBUG, Log.parseLevel("debug"));
    assertEquals(Log.Level.WARN, Log.parseLevel("WARNING"));
    assertEquals(Log.Level.ERROR, Log.parseLevel(" Error "));
    assertEquals(Log.Level.INFO, Log.parseLevel("verbose"));
  }

  @Test
  void writesOneRedactedLinePerMessageAtOrAboveTheLevel() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Log log =
        new Log(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Log.Level.INFO,
            Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
    log.redact("https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abcd");
    log.redact("X-Amz-Signature=abcd");
    log.redact("pw");
    log.debug("hidden");
    log.info("put https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abcd\nnext pw");
    log.warn("sig X-Amz-Signature=abcd");
    assertEquals(
        "2026-01-02T03:04:05Z INFO put <redacted> next pw\n"
            + "2026-01-02T03:04:05Z WARN sig <redacted>\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
