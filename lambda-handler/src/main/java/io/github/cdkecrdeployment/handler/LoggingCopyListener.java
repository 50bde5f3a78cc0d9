package io.github.cdkecrdeployment.handler;

import io.github.cdkecrdeployment.handler.copy.CopyListener;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs one line per stage and per blob (digest, size, outcome, MB/s) and counts what is done, so a
 * copy cut off by the deadline can still say how far it got.
 */
public final class LoggingCopyListener implements CopyListener {
  private final Log log;
  private final AtomicInteger blobs = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private volatile String lastStage = "starting";

  /** Creates one writing to {@code log}. */
  public LoggingCopyListener(Log log) {
    this.log = log;
  }

  @Override
  public void stage(String message) {
    lastStage = message;
    log.info(message);
  }

  @Override
  public void blob(String digest, long size, BlobOutcome outcome, long nanos) {
    blobs.incrementAndGet();
    bytes.addAndGet(size);
    double seconds = nanos / 1e9;
    String rate =
        outcome == BlobOutcome.COPIED && seconds > 0
            ? String.format(Locale.ROOT, ", %.1f MB/s", size / 1e6 / seconds)
            : "";
    log.info(
        String.format(
            Locale.ROOT,
            "blob %s %s (%d bytes) in %.2f s%s",
            digest,
            outcome.name().toLowerCase(Locale.ROOT),
            size,
            seconds,
            rate));
  }

  /** Blobs finished so far. */
  public int blobsDone() {
    return blobs.get();
  }

  /** Bytes of the blobs finished so far. */
  public long bytesDone() {
    return bytes.get();
  }

  /** The last stage announced. */
  public String lastStage() {
    return lastStage;
  }
}
