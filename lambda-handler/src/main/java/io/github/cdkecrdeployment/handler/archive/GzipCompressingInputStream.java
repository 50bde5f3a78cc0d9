package io.github.cdkecrdeployment.handler.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Reads gzip-compressed bytes of another stream, compressing as it is read: a layer is compressed
 * on its way to the registry with no thread, pipe or temporary file. The output is deterministic
 * (fixed header, no timestamp), so the same layer always gets the same digest.
 */
public final class GzipCompressingInputStream extends InputStream {
  /**
   * Speed over ratio: the Lambda's CPU share is small, and a slower level would make compression,
   * not the network, the bottleneck.
   */
  static final int LEVEL = Deflater.BEST_SPEED;

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final InputStream source;
  private final Deflater deflater = new Deflater(LEVEL, true);
  private final CRC32 crc = new CRC32();
  private final byte[] input = new byte[64 * 1024];
  private long inputSize;
  private byte[] pending = HEADER;
  private int pendingPos;
  private boolean trailerWritten;

  /** Compresses {@code source} as it is read. */
  public GzipCompressingInputStream(InputStream source) {
    this.source = source;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (pending != null) {
        int n = Math.min(len, pending.length - pendingPos);
        System.arraycopy(pending, pendingPos, b, off, n);
        pendingPos += n;
        if (pendingPos == pending.length) {
          pending = null;
          pendingPos = 0;
        }
        return n;
      }
      if (trailerWritten) {
        return -1;
      }
      if (deflater.finished()) {
        long c = crc.getValue();
        long s = inputSize;
        pending =
            new byte[] {
              (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
              (byte) s, (byte) (s >> 8), (byte) (s >> 16), (byte) (s >> 24)
            };
        trailerWritten = true;
        continue;
      }
      int n = deflater.deflate(b, off, len, Deflater.NO_FLUSH);
      if (n > 0) {
        return n;
      }
      if (deflater.needsInput()) {
        int r = source.read(input, 0, input.length);
        if (r < 0) {
          deflater.finish();
        } else if (r > 0) {
          crc.update(input, 0, r);
          inputSize += r;
          deflater.setInput(input, 0, r);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    deflater.end();
    source.close();
  }
}
