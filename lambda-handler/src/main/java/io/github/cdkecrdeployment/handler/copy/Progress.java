package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one progress model of a copy: what is planned, what is done, the last stage, forwarded to the
 * {@link CopyListener}; and the one wording of its lines, for the handler's log and the command
 * line's stderr alike. Thread-safe.
 */
public final class Progress {
  private final CopyListener listener;
  private final AtomicInteger blobsDone = new AtomicInteger();
  private final AtomicLong bytesDone = new AtomicLong();
  private volatile int blobsTotal;
  private volatile long bytesTotal;
  private volatile String stage = "starting";

  /** Progress reported to {@code listener}. */
  public Progress(CopyListener listener) {
    this.listener = listener;
  }

  /** A stage started. */
  public void stage(String message) {
    stage = message;
    listener.stage(message);
  }

  /** The last stage announced. */
  public String lastStage() {
    return stage;
  }

  /** Sets what the plan holds (and starts counting again, for a new attempt). */
  void planned(int blobs, long bytes) {
    blobsDone.set(0);
    bytesDone.set(0);
    blobsTotal = blobs;
    bytesTotal = bytes;
  }

  /** One blob finished. */
  void blob(String digest, long size, BlobOutcome outcome, long nanos) {
    blobsDone.incrementAndGet();
    bytesDone.addAndGet(size);
    listener.blob(digest, size, outcome, nanos);
  }

  /** Everything planned is present. */
  void allDone() {
    blobsDone.set(blobsTotal);
    bytesDone.set(bytesTotal);
  }

  /**
   * A listener that records into this progress (and forwards to its listener): a caller that runs a
   * copy can say how far it got even when it stops waiting for it.
   */
  public CopyListener asListener() {
    return new CopyListener() {
      @Override
      public void stage(String message) {
        Progress.this.stage(message);
      }

      @Override
      public void blob(String digest, long size, BlobOutcome outcome, long nanos) {
        Progress.this.blob(digest, size, outcome, nanos);
      }
    };
  }

  /** {@code 3 blobs (120.5 MB) copied}. */
  public String doneLine() {
    return blobsDone.get()
        + " blobs ("
        + String.format(Locale.ROOT, "%.1f MB", bytesDone.get() / 1e6)
        + ") copied";
  }

  /** How far it got. */
  public CopyProgress snapshot() {
    return new CopyProgress(blobsDone.get(), blobsTotal, bytesDone.get(), bytesTotal);
  }

  /**
   * The line for one finished blob: {@code blob sha256:… copied in 0.50 s (1234 bytes, 1.2 MB, 2.4
   * MB/s)}.
   */
  public static String blobLine(String digest, long size, BlobOutcome outcome, long nanos) {
    double seconds = nanos / 1e9;
    String rate =
        outcome == BlobOutcome.COPIED && seconds > 0
            ? String.format(Locale.ROOT, ", %.1f MB/s", size / 1e6 / seconds)
            : "";
    return String.format(
        Locale.ROOT,
        "blob %s %s in %.2f s (%d bytes, %.1f MB%s)",
        digest,
        outcome.name().toLowerCase(Locale.ROOT),
        seconds,
        size,
        size / 1e6,
        rate);
  }

  /** MB/s of a finished blob, or 0 when it was not streamed. */
  public static double mbPerSecond(long size, BlobOutcome outcome, long nanos) {
    return outcome == BlobOutcome.COPIED && nanos > 0 ? size / 1e6 / (nanos / 1e9) : 0;
  }
}
