package io.github.cdkecrdeployment.handler.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.LoggingCopyListener;
import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Log log(Map<String, String> env) {
    return Log.fromEnvironment(env, new PrintStream(out, true, StandardCharsets.UTF_8), CLOCK);
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Every line parsed as one JSON object; fails on a line that is not. */
  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text().split("\n")) {
      JsonNode n = JSON.readTree(line);
      assertTrue(n.isObject(), line);
      lines.add(n);
    }
    return lines;
  }

  @Test
  void levelNamesFromLogLevel() {
    assertEquals(Log.Level.INFO, Log.parseLevel(null));
    assertEquals(Log.Level.INFO, Log.parseLevel(""));
    assertEquals(Log.Level.DEBUG, Log.parseLevel("debug"));
    assertEquals(Log.Level.WARN, Log.parseLevel("WARNING"));
    assertEquals(Log.Level.ERROR, Log.parseLevel(" Error "));
    assertEquals(Log.Level.INFO, Log.parseLevel("verbose"));
    // Lambda's application log levels.
    assertEquals(Log.Level.DEBUG, Log.parseLevel("TRACE"));
    assertEquals(Log.Level.ERROR, Log.parseLevel("FATAL"));
  }

  @Test
  void writesOneRedactedLinePerMessageAtOrAboveTheLevel() {
    Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8), Log.Level.INFO, CLOCK);
    log.redact("https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abcd");
    log.redact("X-Amz-Signature=abcd");
    log.redact("pw");
    log.debug("hidden");
    log.info("put https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abcd\nnext pw");
    log.warn("sig X-Amz-Signature=abcd", Log.field("digest", "sha256:0"));
    assertEquals(
        "2026-01-02T03:04:05.678Z INFO put <redacted> next pw\n"
            + "2026-01-02T03:04:05.678Z WARN sig <redacted>\n",
        text());
  }

  @Test
  void theEnvironmentChoosesFormatAndLevel() {
    assertEquals(Log.Format.TEXT, log(Map.of()).format());
    assertEquals(Log.Format.TEXT, log(Map.of("AWS_LAMBDA_LOG_FORMAT", "Text")).format());
    assertEquals(Log.Format.JSON, log(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON")).format());

    Log lambdaLevel =
        log(
            Map.of(
                "AWS_LAMBDA_LOG_FORMAT", "JSON",
                "AWS_LAMBDA_LOG_LEVEL", "DEBUG",
                "LOG_LEVEL", "ERROR"));
    assertTrue(lambdaLevel.enabled(Log.Level.DEBUG), "AWS_LAMBDA_LOG_LEVEL wins over LOG_LEVEL");
    Log fallback = log(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "LOG_LEVEL", "WARN"));
    assertFalse(fallback.enabled(Log.Level.INFO), "LOG_LEVEL without AWS_LAMBDA_LOG_LEVEL");
    assertTrue(fallback.enabled(Log.Level.WARN));
    assertTrue(log(Map.of()).enabled(Log.Level.INFO));
    assertFalse(log(Map.of()).enabled(Log.Level.DEBUG));
  }

  @Test
  void jsonLinesHaveTheLambdaKeysTheRequestIdAndTypedFields() throws Exception {
    Log log = log(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "INFO"));
    log.debug("filtered out");
    log.info("before any invocation");
    log.requestId("8f5c7e1a-0000-4000-8000-000000000001");
    log.info(
        "blob copied\nsecond line \"quoted\"",
        Log.field("digest", "sha256:abc"),
        Log.field("bytes", 1048576L),
        Log.field("seconds", 0.25),
        Log.field("mbPerSecond", 4.2),
        Log.field("mounted", false),
        Log.field("nothing", null),
        Log.field("nan", Double.NaN));
    log.error("failed");

    List<JsonNode> lines = jsonLines();
    assertEquals(3, lines.size(), text());
    JsonNode first = lines.get(0);
    assertEquals("2026-01-02T03:04:05.678Z", first.get("timestamp").asText());
    assertEquals("INFO", first.get("level").asText());
    assertEquals("before any invocation", first.get("message").asText());
    assertFalse(first.has("requestId"), "no request id outside an invocation");

    JsonNode blob = lines.get(1);
    assertEquals("blob copied\nsecond line \"quoted\"", blob.get("message").asText());
    assertEquals("8f5c7e1a-0000-4000-8000-000000000001", blob.get("requestId").asText());
    assertEquals("sha256:abc", blob.get("digest").asText());
    assertTrue(blob.get("bytes").isIntegralNumber());
    assertEquals(1048576L, blob.get("bytes").asLong());
    assertTrue(blob.get("seconds").isNumber());
    assertEquals(0.25, blob.get("seconds").asDouble());
    assertEquals(4.2, blob.get("mbPerSecond").asDouble());
    assertTrue(blob.get("mounted").isBoolean());
    assertTrue(blob.get("nothing").isNull());
    assertEquals("NaN", blob.get("nan").asText());

    assertEquals("ERROR", lines.get(2).get("level").asText());
  }

  @Test
  void jsonRedactsTheMessageAndEveryFieldValue() throws Exception {
    Log log = log(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
    log.redact("hunter2-secret");
    log.redact("987654321");
    log.requestId("req-hunter2-secret");
    log.warn(
        "login with hunter2-secret",
        Log.field("detail", "pw=hunter2-secret"),
        Log.field("pin", 987654321L));
    String raw = text();
    assertFalse(raw.contains("hunter2-secret"), raw);
    assertFalse(raw.contains("987654321"), raw);
    JsonNode line = jsonLines().get(0);
    assertEquals("login with <redacted>", line.get("message").asText());
    assertEquals("pw=<redacted>", line.get("detail").asText());
    assertEquals("<redacted>", line.get("pin").asText());
    assertEquals("req-<redacted>", line.get("requestId").asText());
  }

  @Test
  void fieldNamesOfTheLineItselfAreRefused() {
    for (String name : List.of("timestamp", "level", "message", "requestId")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Log.field(name, "x"));
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void copyProgressCarriesStageDigestBytesSecondsAndRate() throws Exception {
    Log log = log(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
    LoggingCopyListener listener = new LoggingCopyListener(log);
    listener.stage("copying blobs");
    listener.blob("sha256:aaa", 50_000_000L, BlobOutcome.COPIED, 2_000_000_000L);
    listener.blob("sha256:bbb", 1234L, BlobOutcome.SKIPPED, 1_500_000L);

    List<JsonNode> lines = jsonLines();
    assertEquals("copying blobs", lines.get(0).get("stage").asText());
    assertEquals("copying blobs", lines.get(0).get("message").asText());

    JsonNode copied = lines.get(1);
    assertEquals(
        "blob sha256:aaa copied in 2.00 s (50000000 bytes, 50.0 MB, 25.0 MB/s)",
        copied.get("message").asText());
    assertEquals("copying blobs", copied.get("stage").asText());
    assertEquals("sha256:aaa", copied.get("digest").asText());
    assertEquals("copied", copied.get("outcome").asText());
    assertEquals(50_000_000L, copied.get("bytes").asLong());
    assertEquals(2.0, copied.get("seconds").asDouble());
    assertEquals(25.0, copied.get("mbPerSecond").asDouble());

    JsonNode skipped = lines.get(2);
    assertEquals("skipped", skipped.get("outcome").asText());
    assertEquals(0.002, skipped.get("seconds").asDouble());
    assertFalse(skipped.has("mbPerSecond"), "no rate for a blob that was not copied");
  }

  @Test
  void copyProgressInTextIsTheSameSentence() {
    Log log = log(Map.of());
    LoggingCopyListener listener = new LoggingCopyListener(log);
    listener.stage("copying blobs");
    listener.blob("sha256:aaa", 50_000_000L, BlobOutcome.COPIED, 2_000_000_000L);
    assertEquals(
        "2026-01-02T03:04:05.678Z INFO copying blobs\n"
            + "2026-01-02T03:04:05.678Z INFO blob sha256:aaa copied in 2.00 s (50000000 bytes,"
            + " 50.0 MB, 25.0 MB/s)\n",
        text());
  }
}
