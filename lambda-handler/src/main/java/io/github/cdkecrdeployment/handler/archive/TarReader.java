package io.github.cdkecrdeployment.handler.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads tar headers (ustar, PAX and GNU long names) from a stream, one entry at a time, tracking
 * each entry's data offset so the data can later be fetched again by range. Unread data is skipped
 * with {@link InputStream#skip}, which {@link S3Archive} makes cheap. Not thread-safe.
 */
public final class TarReader {
  private static final int BLOCK = 512;
  private static final int MAX_META = 1024 * 1024;

  private final InputStream in;
  private final String archive;
  private final long knownSize;
  private long pos;
  private long nextHeader;
  private Entry current;

  /**
   * One entry.
   *
   * @param name path in the archive, without a leading {@code ./}
   * @param type the tar type flag
   * @param offset offset of its data in the (uncompressed) archive
   * @param size data size
   * @param linkName target of a hard ({@code 1}) or symbolic ({@code 2}) link, else empty
   */
  public record Entry(String name, char type, long offset, long size, String linkName) {
    public boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }

    public boolean isLink() {
      return type == '1' || type == '2';
    }
  }

  /**
   * @param in the archive's (uncompressed) bytes from offset 0
   * @param archive named in errors
   * @param knownSize the archive's size when known (plain tar in S3), else -1
   */
  public TarReader(InputStream in, String archive, long knownSize) {
    this.in = in;
    this.archive = archive;
    this.knownSize = knownSize;
  }

  /** The next entry, or null at the end of the archive. */
  public Entry next() throws IOException {
    String longName = null;
    String longLink = null;
    long paxSize = -1;
    while (true) {
      skipTo(nextHeader);
      byte[] h = new byte[BLOCK];
      int n = readFully(h);
      if (n == 0) {
        // No end-of-archive blocks: tolerated, as GNU tar does.
        current = null;
        return null;
      }
      if (n < BLOCK) {
        throw corrupt("it ends inside a tar header at byte " + (pos - n));
      }
      if (allZero(h)) {
        current = null;
        return null;
      }
      long headerAt = pos - BLOCK;
      checkChecksum(h, headerAt);
      char type = (char) h[156];
      long size = parseNumber(h, 124, 12, headerAt);
      long dataAt = pos;
      nextHeader = dataAt + ((size + BLOCK - 1) / BLOCK) * BLOCK;
      if (knownSize >= 0 && dataAt + size > knownSize) {
        throw truncated(dataAt + size);
      }
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
        byte[] meta = readMeta(size, headerAt);
        if (type == 'L') {
          longName = cString(meta, 0, meta.length);
        } else if (type == 'K') {
          longLink = cString(meta, 0, meta.length);
        } else if (type == 'x') {
          for (String[] kv : paxRecords(meta, headerAt)) {
            if (kv[0].equals("path")) {
              longName = kv[1];
            } else if (kv[0].equals("linkpath")) {
              longLink = kv[1];
            } else if (kv[0].equals("size")) {
              try {
                paxSize = Long.parseLong(kv[1]);
              } catch (NumberFormatException e) {
                throw corrupt("bad PAX size '" + kv[1] + "' at byte " + headerAt);
              }
            }
          }
        }
        continue;
      }
      String name = longName;
      if (name == null) {
        name = cString(h, 0, 100);
        String magic = cString(h, 257, 6);
        if (magic.startsWith("ustar")) {
          String prefix = cString(h, 345, 155);
          if (!prefix.isEmpty()) {
            name = prefix + "/" + name;
          }
        }
      }
      if (paxSize >= 0) {
        size = paxSize;
        nextHeader = dataAt + ((size + BLOCK - 1) / BLOCK) * BLOCK;
        if (knownSize >= 0 && dataAt + size > knownSize) {
          throw truncated(dataAt + size);
        }
      }
      while (name.startsWith("./")) {
        name = name.substring(2);
      }
      String link = longLink != null ? longLink : cString(h, 157, 100);
      current = new Entry(name, type, dataAt, size, link);
      return current;
    }
  }

  /** Reads the current entry's data (at most {@code limit} bytes, else an error). */
  public byte[] readData(int limit) throws IOException {
    if (current.size() > limit) {
      throw new ArchiveException(
          archive + ": entry " + current.name() + " is larger than " + limit + " bytes",
          true,
          null);
    }
    skipTo(current.offset());
    byte[] data = new byte[(int) current.size()];
    if (readFully(data) < data.length) {
      throw truncated(current.offset() + current.size());
    }
    return data;
  }

  /**
   * The current entry's data as a stream; valid until the next call to {@link #next()}. Ends with
   * an error when the archive ends early.
   */
  public InputStream data() throws IOException {
    skipTo(current.offset());
    Entry e = current;
    return new InputStream() {
      private long left = e.size();

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
          throw truncated(e.offset() + e.size());
        }
        pos += n;
        left -= n;
        return n;
      }
    };
  }

  private void skipTo(long target) throws IOException {
    if (target < pos) {
      throw new IllegalStateException("cannot go back from " + pos + " to " + target);
    }
    while (pos < target) {
      long s = in.skip(target - pos);
      if (s <= 0) {
        if (in.read() < 0) {
          throw truncated(target);
        }
        s = 1;
      }
      pos += s;
    }
  }

  private int readFully(byte[] b) throws IOException {
    int total = 0;
    while (total < b.length) {
      int n = in.read(b, total, b.length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    pos += total;
    return total;
  }

  private byte[] readMeta(long size, long headerAt) throws IOException {
    if (size > MAX_META) {
      throw corrupt("a tar metadata entry of " + size + " bytes at byte " + headerAt);
    }
    byte[] meta = new byte[(int) size];
    if (readFully(meta) < meta.length) {
      throw truncated(pos);
    }
    return meta;
  }

  private java.util.List<String[]> paxRecords(byte[] meta, long headerAt) throws IOException {
    java.util.List<String[]> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < meta.length) {
      int sp = i;
      while (sp < meta.length && meta[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(meta, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw corrupt("a malformed PAX header at byte " + headerAt);
      }
      if (len <= 0 || i + len > meta.length) {
        throw corrupt("a malformed PAX header at byte " + headerAt);
      }
      String rec = new String(meta, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        out.add(new String[] {rec.substring(0, eq), rec.substring(eq + 1)});
      }
      i += len;
    }
    return out;
  }

  private void checkChecksum(byte[] h, long headerAt) throws IOException {
    long stored = parseNumber(h, 148, 8, headerAt);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != stored) {
      throw corrupt("a tar header with a bad checksum at byte " + headerAt);
    }
  }

  private long parseNumber(byte[] h, int off, int len, long headerAt) throws IOException {
    if ((h[off] & 0x80) != 0) {
      // GNU base-256 for sizes of 8 GiB and more.
      long v = h[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    String s = cString(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw corrupt("a tar header with a bad number '" + s + "' at byte " + headerAt);
    }
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private ArchiveException corrupt(String what) {
    return new ArchiveException(
        archive
            + " is not a valid tar archive: "
            + what
            + "; upload the unmodified output of docker save (optionally gzip'd) or an OCI archive",
        true,
        null);
  }

  private ArchiveException truncated(long needed) {
    return new ArchiveException(
        archive
            + " is truncated: an entry needs "
            + needed
            + " bytes"
            + (knownSize >= 0 ? " but the object has " + knownSize : " but the data ends earlier")
            + "; upload the complete archive again",
        true,
        new EOFException());
  }
}
