package io.github.cdkecrdeployment.handler.copy;

/**
 * Receives progress events from a copy, for logs and the command line's stderr. Called from worker
 * threads; implementations must be thread-safe and must not throw.
 */
public interface CopyListener {
  /** A listener that ignores everything. */
  CopyListener NONE = new CopyListener() {};

  /** A stage started, e.g. "resolving source", "pushing manifest". */
  default void stage(String message) {}

  /**
   * A blob finished.
   *
   * @param digest the blob digest
   * @param size its size in bytes
   * @param outcome what happened to it
   * @param nanos time spent
   */
  default void blob(String digest, long size, BlobOutcome outcome, long nanos) {}

  /** What happened to one blob. */
  enum BlobOutcome {
    /** Already at the destination (HEAD found it). */
    SKIPPED,
    /** Cross-repository mount within the destination registry. */
    MOUNTED,
    /** Streamed from source to destination. */
    COPIED
  }
}
