package io.github.cdkecrdeployment.handler.copy;

/**
 * How far a copy got; used in deadline and failure messages.
 *
 * @param blobsDone blobs present at the destination so far
 * @param blobsTotal blobs the selected image needs
 * @param bytesDone bytes of those blobs present so far
 * @param bytesTotal bytes the selected image needs
 */
public record CopyProgress(int blobsDone, int blobsTotal, long bytesDone, long bytesTotal) {
  /** Nothing known yet. */
  public static final CopyProgress NONE = new CopyProgress(0, 0, 0, 0);

  /** e.g. {@code 3/8 blobs, 120.5/512.0 MB}. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%d/%d blobs, %.1f/%.1f MB",
        blobsDone,
        blobsTotal,
        bytesDone / 1e6,
        bytesTotal / 1e6);
  }
}
