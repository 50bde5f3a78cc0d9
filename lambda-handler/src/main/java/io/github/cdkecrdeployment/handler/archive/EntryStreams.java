package io.github.cdkecrdeployment.handler.archive;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams the data of one archive entry. From a plain tar, by a ranged read of exactly its bytes
 * (any entry, in any order, in parallel). From a gzip'd tar, which can only be read forward, by one
 * shared forward reader: entries must be asked for one at a time, best in archive order; asking for
 * one that lies behind the reader (a retry) reads the archive again from its start.
 */
public final class EntryStreams {
  private final S3Archive archive;
  private final boolean gzip;
  private InputStream raw;
  private TarReader reader;
  private TarReader.Entry at;

  /** Streams over {@code contents} of {@code archive}. */
  public EntryStreams(S3Archive archive, ArchiveContents contents) {
    this.archive = archive;
    this.gzip = contents.gzip();
  }

  /** True when entries must be read one at a time in archive order. */
  public boolean sequential() {
    return gzip;
  }

  /** The archive's {@code s3://} URI. */
  public String uri() {
    return archive.uri();
  }

  /** The bytes of {@code entry}; close the stream before asking for the next entry. */
  public synchronized InputStream open(TarReader.Entry entry) throws IOException {
    if (!gzip) {
      return archive.open(entry.offset(), entry.size());
    }
    if (reader == null || at == null || at.offset() >= entry.offset()) {
      closeReader();
      raw = archive.open(0, archive.size());
      reader = ArchiveContents.reader(archive, raw, true);
    }
    try {
      for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
        at = e;
        if (e.offset() == entry.offset()) {
          return new FilterInputStream(reader.data()) {
            @Override
            public void close() {
              // The shared reader stays open for the next entry.
            }
          };
        }
      }
    } catch (EOFException e) {
      throw ArchiveContents.truncatedGzip(archive, e);
    }
    throw new ArchiveException(
        archive.uri() + " changed while it was read: entry " + entry.name() + " disappeared",
        false,
        null);
  }

  /** Closes the shared reader, if any, and aborts every stream of the archive still open. */
  public void close() {
    synchronized (this) {
      closeReader();
    }
    archive.abortAll();
  }

  private void closeReader() {
    if (raw != null) {
      try {
        raw.close();
      } catch (IOException ignored) {
        // The connection is discarded either way.
      }
    }
    raw = null;
    reader = null;
    at = null;
  }
}
