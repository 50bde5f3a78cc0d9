package io.github.cdkecrdeployment.handler.archive;

import io.github.cdkecrdeployment.handler.aws.AwsResponse;
import io.github.cdkecrdeployment.handler.aws.AwsServiceError;
import io.github.cdkecrdeployment.handler.aws.S3Objects;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An archive object in S3, read with ranged GETs of at most {@code blockSize} bytes: any part can
 * be streamed from any offset, nothing is buffered beyond the transfer buffer, and no request ever
 * asks for a byte past the end (so an object whose size is a multiple of the block reads fine).
 * Each GET is retried by {@link S3Objects}; a read that breaks reopens at its position, a few
 * times; nothing waits past the deadline.
 */
public final class S3Archive {
  /** Bytes per ranged GET in production. */
  public static final int DEFAULT_BLOCK_SIZE = 16 * 1024 * 1024;

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes \\d+-\\d+/(\\d+)");
  private static final int READ_ATTEMPTS = 4;

  private final S3Objects s3;
  private final String bucket;
  private final String key;
  private final int blockSize;
  private final long size;
  private final Deadline deadline;
  private final java.util.Set<RangeStream> open =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private S3Archive(
      S3Objects s3, String bucket, String key, int blockSize, long size, Deadline deadline) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.blockSize = blockSize;
    this.size = size;
    this.deadline = deadline;
  }

  /**
   * Opens the object, learning its size from a first ranged GET (which also checks access).
   *
   * @throws ArchiveException what is wrong with the object and the fix
   * @throws DeadlineException when the deadline passes first
   */
  public static S3Archive open(
      S3Objects s3, String bucket, String key, int blockSize, Deadline deadline)
      throws IOException {
    String uri = "s3://" + bucket + "/" + key;
    try (AwsResponse r = s3.get(bucket, key, "bytes=0-0", deadline)) {
      String range = r.header("Content-Range");
      long size;
      Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
      if (m != null && m.matches()) {
        size = Long.parseLong(m.group(1));
      } else {
        // A server that ignores Range answers 200 with the whole object.
        size = contentLength(r, uri);
      }
      if ("1".equals(r.header("Content-Length"))) {
        // The one byte asked for: read, so that the connection serves the next request.
        r.body().readAllBytes();
      } else {
        r.abort();
      }
      return new S3Archive(s3, bucket, key, blockSize, size, deadline);
    } catch (AwsServiceError e) {
      if (e.status() == 416) {
        throw new ArchiveException(
            "S3 object " + uri + " is empty; upload a docker save or OCI archive tarball there",
            true,
            e);
      }
      throw describe(e, uri, 0);
    } catch (DeadlineException | ArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw new ArchiveException("cannot read S3 object " + uri + ": " + e.getMessage(), false, e);
    }
  }

  private static long contentLength(AwsResponse r, String uri) throws ArchiveException {
    try {
      return Long.parseLong(r.header("Content-Length"));
    } catch (NumberFormatException e) {
      throw new ArchiveException(
          "cannot read S3 object " + uri + ": its response has neither Content-Range nor a length",
          false,
          e);
    }
  }

  static ArchiveException describe(AwsServiceError e, String uri, long offset) {
    String code = e.code();
    int status = e.status();
    if ("NoSuchBucket".equals(code)) {
      return new ArchiveException(
          "the S3 bucket of "
              + uri
              + " does not exist (HTTP 404 NoSuchBucket); check the bucket name of the"
              + " S3ArchiveName source",
          true,
          e);
    }
    if ("NoSuchKey".equals(code) || status == 404) {
      return new ArchiveException(
          "S3 object "
              + uri
              + " does not exist (HTTP 404"
              + (code != null ? " " + code : "")
              + "); check the key, or upload the archive before deploying",
          true,
          e);
    }
    if (status == 403) {
      return new ArchiveException(
          "access denied reading S3 object "
              + uri
              + " (HTTP 403"
              + (code != null ? " " + code : "")
              + "); grant the handler's role s3:GetObject on it (and kms:Decrypt for SSE-KMS)",
          true,
          e);
    }
    return new ArchiveException(
        "reading S3 object "
            + uri
            + " at byte "
            + offset
            + " failed with HTTP "
            + status
            + (code != null ? " " + code : ""),
        status < 500 && status != 408 && status != 429,
        e);
  }

  /** Object size in bytes. */
  public long size() {
    return size;
  }

  /** {@code s3://bucket/key}. */
  public String uri() {
    return "s3://" + bucket + "/" + key;
  }

  /** A stream of {@code length} bytes from {@code offset}; {@code skip} is cheap on it. */
  public InputStream open(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " outside of " + uri() + " (" + size + " bytes)");
    }
    RangeStream s = new RangeStream(offset, offset + length);
    open.add(s);
    return s;
  }

  /**
   * Aborts every stream still open (a copy that was given up): a read blocked on S3 fails at once
   * instead of using the network into the next invocation.
   */
  public void abortAll() {
    for (RangeStream s : open) {
      s.close();
    }
  }

  /** Reads [pos, end) block by block; reopens at the current position after a broken read. */
  private final class RangeStream extends InputStream {
    private long pos;
    private final long end;
    private volatile AwsResponse block;
    private long blockEnd;
    private volatile boolean closed;

    RangeStream(long start, long end) {
      this.pos = start;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (len == 0) {
        return 0;
      }
      for (int attempt = 1; ; attempt++) {
        if (closed) {
          // Aborted from another thread: the copy was given up.
          throw new IOException("reading " + uri() + " stopped: the stream was closed");
        }
        if (pos >= end) {
          return -1;
        }
        try {
          if (block == null || pos >= blockEnd) {
            dropBlock();
            openBlock();
          }
          int want = (int) Math.min(len, blockEnd - pos);
          AwsResponse cur = block;
          if (cur == null) {
            throw new IOException("reading " + uri() + " stopped: the stream was closed");
          }
          int n = cur.body().read(b, off, want);
          if (n < 0) {
            throw new IOException("S3 response ended early at byte " + pos);
          }
          pos += n;
          return n;
        } catch (InterruptedIOException e) {
          if (!(e instanceof java.net.SocketTimeoutException)) {
            throw e;
          }
          // A stalled read is a transient failure: reopen at the current position.
          dropBlock();
          if (attempt >= READ_ATTEMPTS) {
            throw new ArchiveException(
                "reading S3 object " + uri() + " at byte " + pos + " timed out: " + e.getMessage(),
                false,
                e);
          }
        } catch (DeadlineException e) {
          dropBlock();
          throw e;
        } catch (IOException e) {
          dropBlock();
          if (e instanceof AwsServiceError se) {
            ArchiveException ae = describe(se, uri(), pos);
            if (ae.permanent() || attempt >= READ_ATTEMPTS) {
              throw ae;
            }
          } else if (attempt >= READ_ATTEMPTS) {
            throw new ArchiveException(
                "reading S3 object " + uri() + " at byte " + pos + " failed: " + e.getMessage(),
                false,
                e);
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted reading " + uri());
          }
        }
      }
    }

    private void openBlock() throws IOException {
      long last = Math.min(end, pos + blockSize) - 1;
      block = s3.get(bucket, key, "bytes=" + pos + "-" + last, deadline);
      blockEnd = last + 1;
      if (closed) {
        // Closed while the request was on its way: its connection must not stay open.
        dropBlock();
      }
    }

    private void dropBlock() {
      AwsResponse b = block;
      block = null;
      if (b != null) {
        // Abort rather than close: closing would drain the rest of the block.
        if (pos < blockEnd) {
          b.abort();
        }
        try {
          b.close();
        } catch (IOException | RuntimeException ignored) {
          // The connection is discarded either way.
        }
      }
    }

    @Override
    public long skip(long n) throws IOException {
      long k = Math.max(0, Math.min(n, end - pos));
      if (block != null && pos + k <= blockEnd && k <= 64 * 1024) {
        // A short skip inside the open block: cheaper to read through than to reconnect.
        byte[] buf = new byte[8192];
        long left = k;
        while (left > 0) {
          int r = read(buf, 0, (int) Math.min(buf.length, left));
          if (r < 0) {
            break;
          }
          left -= r;
        }
        return k - left;
      }
      // A long skip reconnects at the new position.
      dropBlock();
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        open.remove(this);
        dropBlock();
      }
    }
  }
}
