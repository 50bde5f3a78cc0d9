package io.github.cdkecrdeployment.handler.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;

/**
 * Deterministic, regenerable layer content: a tar holding one file of pseudo-random bytes (so
 * compression cannot hide the size), optionally gzip'd with stored deflate blocks (fast, and a
 * valid gzip). The same seed always yields the same bytes, so a layer of any size can be hashed in
 * one pass and uploaded in a second without memory or disk.
 */
final class TestLayers {
  private TestLayers() {}

  /** The tar stream: one ustar header, {@code payload} random bytes, padding, end blocks. */
  static InputStream tar(long seed, long payload) {
    return new TarStream(seed, payload);
  }

  /** gzip of {@link #tar(long, long)}. */
  static InputStream gzipTar(long seed, long payload) {
    return gzip(tar(seed, payload));
  }

  /** A gzip stream around {@code in} using stored (level 0) deflate blocks. */
  static InputStream gzip(InputStream in) {
    CRC32 crc = new CRC32();
    long[] count = new long[1];
    InputStream counted =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
              crc.update(b, off, n);
              count[0] += n;
            }
            return n;
          }
        };
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    Deflater deflater = new Deflater(Deflater.NO_COMPRESSION, true);
    // Stored deflate blocks depend on how much output each call asks for, so the deflater is
    // always drained in fixed 64 KiB requests: the bytes never depend on the consumer's reads.
    InputStream body = new FixedChunks(new DeflaterInputStream(counted, deflater, 64 * 1024));
    Enumeration<InputStream> parts =
        new Enumeration<>() {
          int i;

          @Override
          public boolean hasMoreElements() {
            return i < 3;
          }

          @Override
          public InputStream nextElement() {
            switch (i++) {
              case 0:
                return new ByteArrayInputStream(header);
              case 1:
                return body;
              case 2:
                // Reached only after the body is exhausted, so CRC and size are final.
                deflater.end();
                long c = crc.getValue();
                long s = count[0];
                byte[] t = new byte[8];
                for (int k = 0; k < 4; k++) {
                  t[k] = (byte) (c >>> (8 * k));
                  t[4 + k] = (byte) (s >>> (8 * k));
                }
                return new ByteArrayInputStream(t);
              default:
                throw new NoSuchElementException();
            }
          }
        };
    return new SequenceInputStream(parts);
  }

  /** Reads its source only in fixed-size requests and serves callers from that buffer. */
  private static final class FixedChunks extends InputStream {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int len;

    FixedChunks(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      if (pos == len) {
        len = in.read(buf, 0, buf.length);
        pos = 0;
        if (len <= 0) {
          len = 0;
          return -1;
        }
      }
      int k = Math.min(n, len - pos);
      System.arraycopy(buf, pos, b, off, k);
      pos += k;
      return k;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static final class TarStream extends InputStream {
    private final byte[] header;
    private final long payload;
    private final long total;
    private final SplittableRandom random;
    private long pos;
    private long word;
    private int wordLeft;

    TarStream(long seed, long payload) {
      this.payload = payload;
      this.random = new SplittableRandom(seed);
      this.header = payload < 0 ? new byte[0] : header("layer-" + Long.toHexString(seed), payload);
      long padded = payload <= 0 ? 0 : (payload + 511) / 512 * 512;
      this.total = (payload < 0 ? 0 : 512 + padded) + 1024;
    }

    @Override
    public int read() {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= total) {
        return -1;
      }
      int n = (int) Math.min(len, total - pos);
      long payloadEnd = header.length + Math.max(payload, 0);
      int done = 0;
      while (done < n) {
        long p = pos + done;
        if (p < header.length) {
          int k = (int) Math.min(header.length - p, n - done);
          System.arraycopy(header, (int) p, b, off + done, k);
          done += k;
        } else if (p < payloadEnd) {
          int k = (int) Math.min(payloadEnd - p, n - done);
          int end = off + done + k;
          for (int i = off + done; i < end; i++) {
            if (wordLeft == 0) {
              word = random.nextLong();
              wordLeft = 8;
            }
            b[i] = (byte) word;
            word >>>= 8;
            wordLeft--;
          }
          done += k;
        } else {
          java.util.Arrays.fill(b, off + done, off + n, (byte) 0);
          done = n;
        }
      }
      pos += n;
      return n;
    }

    private static byte[] header(String name, long size) {
      byte[] h = new byte[512];
      put(h, 0, name + ".bin");
      put(h, 100, "0000644");
      put(h, 108, "0000000");
      put(h, 116, "0000000");
      put(h, 124, String.format("%011o", size));
      put(h, 136, String.format("%011o", 1700000000L));
      for (int i = 148; i < 156; i++) {
        h[i] = ' ';
      }
      h[156] = '0';
      put(h, 257, "ustar");
      h[263] = '0';
      h[264] = '0';
      int sum = 0;
      for (byte x : h) {
        sum += x & 0xff;
      }
      put(h, 148, String.format("%06o", sum));
      h[154] = 0;
      h[155] = ' ';
      return h;
    }

    private static void put(byte[] h, int at, String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, h, at, b.length);
    }
  }
}
