package io.github.cdkecrdeployment.handler.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * What a first pass over an archive learned: where every file is, and the bytes of the small JSON
 * files (manifest.json, index.json, configs, manifests). Layers are not read in this pass; on a
 * plain tar they are not even downloaded, since {@link S3Archive} skips by seeking.
 *
 * @param gzip true when the archive is gzip'd (its entries must then be read in order)
 * @param entries every file by path
 * @param small the bytes of the small JSON files by path
 */
public record ArchiveContents(
    boolean gzip, Map<String, TarReader.Entry> entries, Map<String, byte[]> small) {

  /** Files up to this size are kept when they look like JSON. */
  static final int SMALL_LIMIT = 4 * 1024 * 1024;

  /** Bound on the memory the kept files use together. */
  static final long SMALL_BUDGET = 64L * 1024 * 1024;

  /** Reads the archive's table of contents. */
  public static ArchiveContents scan(S3Archive archive) throws IOException {
    boolean gzip = isGzip(archive);
    Map<String, TarReader.Entry> entries = new LinkedHashMap<>();
    Map<String, byte[]> small = new LinkedHashMap<>();
    Map<String, String> links = new LinkedHashMap<>();
    long kept = 0;
    try (InputStream raw = archive.open(0, archive.size())) {
      TarReader tar = reader(archive, raw, gzip);
      for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
        if (e.isLink()) {
          // docker save links a layer.tar that two images share to its first copy.
          links.put(e.name(), linkTarget(e));
          continue;
        }
        if (!e.isFile()) {
          continue;
        }
        entries.put(e.name(), e);
        if (e.size() <= SMALL_LIMIT && mayBeJson(e.name())) {
          byte[] data = tar.readData(SMALL_LIMIT);
          if (looksLikeJson(data) || e.name().equals("oci-layout")) {
            kept += data.length;
            if (kept > SMALL_BUDGET) {
              throw new ArchiveException(
                  archive.uri()
                      + " holds more than "
                      + SMALL_BUDGET / (1024 * 1024)
                      + " MiB of JSON files; split it into one archive per image",
                  true,
                  null);
            }
            small.put(e.name(), data);
          }
        }
      }
    } catch (EOFException e) {
      throw truncatedGzip(archive, e);
    } catch (ZipException e) {
      throw new ArchiveException(
          archive.uri()
              + " starts like gzip but is not valid gzip ("
              + e.getMessage()
              + "); upload the archive again",
          true,
          e);
    }
    for (Map.Entry<String, String> link : links.entrySet()) {
      String target = link.getValue();
      for (int hops = 0; hops < 8 && links.containsKey(target); hops++) {
        target = links.get(target);
      }
      TarReader.Entry t = entries.get(target);
      if (t != null) {
        entries.put(link.getKey(), t);
        if (small.containsKey(target)) {
          small.put(link.getKey(), small.get(target));
        }
      }
    }
    return new ArchiveContents(gzip, entries, small);
  }

  /** The archive path a link points at: hard links name it; symbolic ones are relative. */
  private static String linkTarget(TarReader.Entry e) {
    String target = e.linkName();
    if (e.type() == '2' && !target.startsWith("/")) {
      int slash = e.name().lastIndexOf('/');
      target = (slash >= 0 ? e.name().substring(0, slash + 1) : "") + target;
    }
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String p : target.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return String.join("/", parts);
  }

  /** The gzip stream of {@code archive} ended before its end marker. */
  public static ArchiveException truncatedGzip(S3Archive archive, EOFException e) {
    return new ArchiveException(
        archive.uri()
            + " is truncated: its gzip stream ends early ("
            + e.getMessage()
            + "); upload the complete archive again",
        true,
        e);
  }

  /** A tar reader over the archive from byte 0, decompressing when needed. */
  public static TarReader reader(S3Archive archive, InputStream raw, boolean gzip)
      throws IOException {
    if (gzip) {
      return new TarReader(
          new GZIPInputStream(new BufferedInputStream(raw, 64 * 1024), 64 * 1024),
          archive.uri(),
          -1);
    }
    return new TarReader(raw, archive.uri(), archive.size());
  }

  private static boolean isGzip(S3Archive archive) throws IOException {
    if (archive.size() < 2) {
      return false;
    }
    try (InputStream in = archive.open(0, 2)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static boolean mayBeJson(String name) {
    return name.endsWith(".json")
        || name.equals("oci-layout")
        || name.equals("repositories")
        || name.startsWith("blobs/");
  }

  private static boolean looksLikeJson(byte[] data) {
    for (byte b : data) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }
}
