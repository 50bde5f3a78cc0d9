package io.github.cdkecrdeployment.handler.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes ustar archives in memory (test archives, layer tarballs), with PAX headers for names over
 * 100 bytes. Deterministic: fixed mode, owner and time.
 */
public final class TarWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Adds a directory entry. */
  public TarWriter directory(String name) {
    header(name.endsWith("/") ? name : name + "/", 0, '5');
    return this;
  }

  /** Adds a regular file. */
  public TarWriter file(String name, byte[] content) {
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      String rec = "path=" + name + "\n";
      int len = rec.length() + 3;
      while (String.valueOf(len).length() + 1 + rec.length() != len) {
        len = String.valueOf(len).length() + 1 + rec.length();
      }
      byte[] pax = (len + " " + rec).getBytes(StandardCharsets.UTF_8);
      header("PaxHeaders/" + name.substring(name.length() - 40), pax.length, 'x');
      data(pax);
      header(name.substring(name.length() - 99), content.length, '0');
    } else {
      header(name, content.length, '0');
    }
    data(content);
    return this;
  }

  /** Adds a symbolic link to {@code target} (relative to the link's directory, as docker save). */
  public TarWriter symlink(String name, String target) {
    header(name, 0, '2', target);
    return this;
  }

  /** Adds a regular file with UTF-8 text. */
  public TarWriter file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Ends the archive with two zero blocks and returns its bytes. */
  public byte[] finish() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The archive so far, without the end blocks. */
  public byte[] withoutEnd() {
    return out.toByteArray();
  }

  /** Pads the archive with zero blocks so its final size is {@code size} (a multiple of 512). */
  public byte[] finishPaddedTo(int size) {
    int now = out.size();
    if (size % 512 != 0 || size < now + 1024) {
      throw new IllegalArgumentException("cannot pad " + now + " bytes to " + size);
    }
    out.writeBytes(new byte[size - now]);
    return out.toByteArray();
  }

  private void header(String name, long size, char type) {
    header(name, size, type, "");
  }

  private void header(String name, long size, char type, String linkName) {
    byte[] h = new byte[512];
    put(h, 157, 100, linkName);
    put(h, 0, 100, name);
    put(h, 100, 8, "0000644");
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    put(h, 124, 12, String.format("%011o", size));
    put(h, 136, 12, String.format("%011o", 1700000000L));
    h[156] = (byte) type;
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    out.writeBytes(h);
  }

  private void data(byte[] content) {
    out.writeBytes(content);
    int pad = (512 - content.length % 512) % 512;
    out.writeBytes(new byte[pad]);
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }
}
