package io.github.cdkecrdeployment.handler.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Compression while streaming: valid gzip, stored where data does not compress, deterministic. */
class GzipCompressingInputStreamTest {
  /** Random (incompressible) windows between text and zeros, crossing window boundaries. */
  private static byte[] mixed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random r = new Random(42);
    byte[] noise = new byte[(3 << 20) + 12_345];
    r.nextBytes(noise);
    out.writeBytes(noise);
    out.writeBytes(new byte[2 << 20]);
    byte[] text =
        "layer files, config, /usr/share/doc and friends\n"
            .repeat(40_000)
            .getBytes(StandardCharsets.UTF_8);
    out.writeBytes(text);
    byte[] more = new byte[(1 << 20) + 7];
    r.nextBytes(more);
    out.writeBytes(more);
    return out.toByteArray();
  }

  /** A source that hands out bytes in chunks of a given pattern of sizes. */
  private static InputStream chunked(byte[] data, long seed, int max) {
    Random r = new Random(seed);
    return new InputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= data.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 1 + r.nextInt(max)), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  private static byte[] readAll(InputStream in, long seed, int max) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[max];
    for (int n; (n = in.read(buf, 0, 1 + r.nextInt(max))) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void theSameInputGivesTheSameBytesHoweverItIsReadAndDecompressesBack() throws Exception {
    byte[] data = mixed();
    byte[] reference =
        new GzipCompressingInputStream(new ByteArrayInputStream(data)).readAllBytes();
    for (int[] pattern : new int[][] {{1, 7}, {2, 8192}, {3, 300_000}, {4, 1 << 20}}) {
      byte[] again =
          readAll(
              new GzipCompressingInputStream(chunked(data, pattern[0], pattern[1])),
              pattern[0] * 31L,
              pattern[1]);
      assertArrayEquals(reference, again, "chunks up to " + pattern[1] + " bytes");
    }
    assertArrayEquals(
        data, new GZIPInputStream(new ByteArrayInputStream(reference)).readAllBytes());
  }

  @Test
  void incompressibleWindowsAreStoredAndCompressibleOnesCompressed() throws Exception {
    byte[] noise = new byte[4 << 20];
    new Random(7).nextBytes(noise);
    byte[] gzNoise = new GzipCompressingInputStream(new ByteArrayInputStream(noise)).readAllBytes();
    // Stored deflate blocks add 5 bytes per 64 KiB: well under 0.1 % over the input.
    assertTrue(gzNoise.length < noise.length * 1.001, gzNoise.length + " bytes");
    assertArrayEquals(noise, new GZIPInputStream(new ByteArrayInputStream(gzNoise)).readAllBytes());
    byte[] zeros = new byte[4 << 20];
    byte[] gzZeros = new GzipCompressingInputStream(new ByteArrayInputStream(zeros)).readAllBytes();
    assertTrue(gzZeros.length < zeros.length / 100, gzZeros.length + " bytes");
  }
}
