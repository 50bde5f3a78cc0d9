package io.github.cdkecrdeployment.handler;

import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.CopyListener;
import io.github.cdkecrdeployment.handler.copy.Progress;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Logs one line per stage and per blob (digest, size, outcome, MB/s), worded as {@link Progress}
 * words them for the command line too.
 *
 * <p>In the JSON log format the lines carry the progress as fields: a stage line {@code stage}; a
 * blob line {@code stage} (the stage it belongs to), {@code digest}, {@code outcome} ({@code
 * copied}, {@code mounted}, {@code skipped}), {@code bytes}, {@code seconds} and, for a copied
 * blob, {@code mbPerSecond} (10^6 bytes per second).
 */
public final class LoggingCopyListener implements CopyListener {
  private final Log log;
  private volatile String lastStage = "starting";

  /** Creates one writing to {@code log}. */
  public LoggingCopyListener(Log log) {
    this.log = log;
  }

  @Override
  public void stage(String message) {
    lastStage = message;
    log.info(message, Log.field("stage", message));
  }

  @Override
  public void blob(String digest, long size, BlobOutcome outcome, long nanos) {
    double seconds = nanos / 1e9;
    boolean copied = outcome == BlobOutcome.COPIED && seconds > 0;
    double mbPerSecond = copied ? size / 1e6 / seconds : 0;
    String result = outcome.name().toLowerCase(Locale.ROOT);
    String message = Progress.blobLine(digest, size, outcome, nanos);
    List<Log.Field> fields = new ArrayList<>(6);
    fields.add(Log.field("stage", lastStage));
    fields.add(Log.field("digest", digest));
    fields.add(Log.field("outcome", result));
    fields.add(Log.field("bytes", size));
    fields.add(Log.field("seconds", round(seconds, 3)));
    if (copied) {
      fields.add(Log.field("mbPerSecond", round(mbPerSecond, 3)));
    }
    log.info(message, fields.toArray(Log.Field[]::new));
  }

  private static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }
}
