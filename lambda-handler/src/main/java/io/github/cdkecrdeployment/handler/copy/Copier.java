package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.archive.S3Archive;
import io.github.cdkecrdeployment.handler.aws.S3Objects;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import io.github.cdkecrdeployment.handler.registry.RegistryClient;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.registry.TlsTrustException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The copy engine: one per process, shared by the Lambda handler and the command line. Each copy
 * builds a {@link CopyPlan} from its source ({@link RegistrySource} for {@code docker://}, {@link
 * ArchiveSource} for {@code s3://}) and runs it with the one {@link PlanPusher}, on one bounded
 * {@link Workers} pool under the request's deadline. {@link RetryPolicy} repeats the whole copy
 * (the upstream {@code RetryConfigs} meaning); requests and blobs are retried on their own inside.
 * Thread-safe.
 */
public final class Copier implements ImageCopier {
  /**
   * Closes the transfers of a copy whose deadline passed while they were blocked in a socket read
   * (a read ignores interrupts): nothing of a given-up copy keeps using the network into the next
   * invocation of a warm sandbox. One daemon thread for the process.
   */
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "copy-deadline");
            t.setDaemon(true);
            return t;
          });

  private final RegistryConnector registries;
  private final Supplier<S3Objects> s3;
  private final Backoff blobRetry;
  private final int archiveBlockSize;

  private Copier(Builder b) {
    this.registries = b.registries;
    this.s3 = memoize(b.s3);
    this.blobRetry = b.blobRetry;
    this.archiveBlockSize = b.archiveBlockSize;
  }

  /** The production engine: {@link RegistryClient}, S3 from {@code aws}. */
  public static Copier standard(AwsSettings aws) {
    return builder().s3(() -> s3Client(aws)).build();
  }

  /** A builder with production defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * S3 reads as the handler makes them: signed GETs over URL-connection HTTP, buckets in any
   * region, and path-style addressing when an endpoint is set (as S3-compatible test servers need).
   */
  public static S3Objects s3Client(AwsSettings settings) {
    return S3Clients.create(settings);
  }

  /**
   * Runs the copy. Nothing is tagged unless every blob and child manifest is in place.
   *
   * @throws CopyException what failed and the fix ({@link DeadlineExceededException} past the
   *     deadline)
   * @throws InterruptedException when the calling thread is interrupted
   */
  @Override
  public CopyResult copy(CopyRequest request) throws CopyException, InterruptedException {
    RetryPolicy policy = request.retryPolicy();
    Backoff between = new Backoff(policy.attempts(), policy.baseDelay(), policy.maxDelay());
    Progress progress = new Progress(request.listener());
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(request, progress);
      } catch (DeadlineExceededException e) {
        throw e;
      } catch (CopyException e) {
        if (!between.allowsAnother(attempt) || permanent(e)) {
          throw e;
        }
        Duration wait = between.delayAfter(attempt, null);
        if (wait.compareTo(request.deadline().remaining()) >= 0) {
          throw new DeadlineExceededException(
              e.getMessage()
                  + " (attempt "
                  + attempt
                  + " of "
                  + policy.attempts()
                  + "; no time left before the deadline for another)",
              e.progress());
        }
        progress.stage(
            "attempt "
                + attempt
                + " of "
                + policy.attempts()
                + " failed: "
                + e.getMessage()
                + "; retrying in "
                + wait.toMillis()
                + " ms");
        Thread.sleep(wait.toMillis());
      }
    }
  }

  /** Failures that another attempt cannot fix: a bad archive, an untrusted certificate. */
  private static boolean permanent(CopyException e) {
    Throwable c = e.getCause();
    return (c instanceof ArchiveException a && a.permanent()) || c instanceof TlsTrustException;
  }

  private CopyResult attempt(CopyRequest request, Progress progress)
      throws CopyException, InterruptedException {
    Deadline deadline = request.deadline();
    java.util.concurrent.atomic.AtomicReferenceArray<RegistryRepository> opened =
        new java.util.concurrent.atomic.AtomicReferenceArray<>(2);
    ArchiveSource[] archive = new ArchiveSource[1];
    Runnable closeAll =
        () -> {
          // Transfers of a copy that was given up must not go on using the network.
          for (int i = 0; i < opened.length(); i++) {
            RegistryRepository r = opened.get(i);
            if (r != null) {
              r.close();
            }
          }
          if (archive[0] != null) {
            archive[0].close();
          }
        };
    long untilDeadline = Math.min(deadline.remaining().toMillis(), Duration.ofDays(1).toMillis());
    java.util.concurrent.ScheduledFuture<?> watchdog =
        WATCHDOG.schedule(
            () -> {
              // On a thread of its own: a close may wait for a reader, and must not hold up the
              // watchdog of another copy.
              Thread t = new Thread(closeAll, "copy-abort");
              t.setDaemon(true);
              t.start();
            },
            untilDeadline,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    try (Workers workers = new Workers("copy", request.parallelism(), deadline)) {
      // The destination's TLS check and auth handshake overlap with reading the source.
      CompletableFuture<RegistryRepository> destOpen =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  RegistryRepository d =
                      registries.open(
                          request.destination(),
                          request.destinationCredential(),
                          true,
                          request.destinationTlsVerify(),
                          deadline);
                  opened.set(1, d);
                  return d;
                } catch (IOException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              },
              r -> {
                Thread t = new Thread(r, "open-destination");
                t.setDaemon(true);
                t.start();
              });
      CopyPlan plan;
      if (request.source() instanceof SourceLocation.Docker docker) {
        RegistryRepository src =
            registries.open(
                docker.reference(),
                request.sourceCredential(),
                false,
                request.sourceTlsVerify(),
                deadline);
        opened.set(0, src);
        plan =
            new RegistrySource(src, docker.reference(), workers, progress)
                .plan(request.selection(), request.archTags(), request.destination());
      } else {
        archive[0] =
            new ArchiveSource(
                S3Clients.get(s3, request.source()),
                (SourceLocation.S3) request.source(),
                archiveBlockSize,
                progress,
                deadline);
        plan = archive[0].plan(request.selection(), request.archTags());
      }
      DeadlineException.check(deadline, "copy " + route(request));
      RegistryRepository dest = workers.one(() -> join(destOpen));
      PlanPusher pusher =
          new PlanPusher(
              dest,
              request.destination(),
              request.additionalTags(),
              workers,
              progress,
              blobRetry,
              deadline);
      PlanPusher.Outcome o = pusher.push(plan);
      return new CopyResult(
          o.digest(), request.destination(), progress.snapshot(), o.pushedNothing());
    } catch (CopyException e) {
      if (e instanceof DeadlineExceededException) {
        throw e;
      }
      throw new CopyException(e.getMessage(), progress.snapshot(), e.getCause());
    } catch (DeadlineException e) {
      throw deadlineExceeded(request, progress);
    } catch (InterruptedIOException e) {
      if (deadline.expired()) {
        throw deadlineExceeded(request, progress);
      }
      if (e instanceof SocketTimeoutException) {
        throw new CopyException(
            "copy " + route(request) + " failed: " + e.getMessage(), progress.snapshot(), e);
      }
      throw new InterruptedException(e.getMessage());
    } catch (IOException e) {
      if (deadline.expired()) {
        throw deadlineExceeded(request, progress);
      }
      if (e instanceof ArchiveException) {
        // It names the archive and the fix already.
        throw new CopyException(e.getMessage(), progress.snapshot(), e);
      }
      throw new CopyException(
          "copying "
              + request.source()
              + " to "
              + request.destination()
              + " failed: "
              + e.getMessage(),
          progress.snapshot(),
          e);
    } catch (InterruptedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CopyException("copy " + route(request) + " failed: " + e, progress.snapshot(), e);
    } finally {
      watchdog.cancel(false);
      closeAll.run();
    }
  }

  private static RegistryRepository join(CompletableFuture<RegistryRepository> f) throws Exception {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c =
          e.getCause() instanceof java.util.concurrent.CompletionException ce
              ? ce.getCause()
              : e.getCause();
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw new IOException(c);
    }
  }

  private static DeadlineExceededException deadlineExceeded(CopyRequest r, Progress p) {
    return new DeadlineExceededException(
        "copy "
            + route(r)
            + " did not finish before the deadline ("
            + p.snapshot().describe()
            + " done); nothing was tagged — allow more time (Lambda timeout) or retry",
        p.snapshot());
  }

  private static String route(CopyRequest r) {
    return r.source() + " to docker://" + r.destination();
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }

  /** Builder for {@link Copier}. */
  public static final class Builder {
    private RegistryConnector registries;
    private Supplier<S3Objects> s3 = S3Clients.none();
    private Backoff blobRetry = new Backoff(5, Duration.ofMillis(500), Duration.ofSeconds(20));
    private int archiveBlockSize = S3Archive.DEFAULT_BLOCK_SIZE;

    private Builder() {}

    /** Opens registries; default {@link RegistryClient} with its defaults. */
    public Builder registries(RegistryConnector r) {
      this.registries = Objects.requireNonNull(r, "registries");
      return this;
    }

    /** Reads S3 archives; called once, on the first S3 copy. Default: none (S3 copies fail). */
    public Builder s3(Supplier<S3Objects> s) {
      this.s3 = Objects.requireNonNull(s, "s3");
      return this;
    }

    /** Retry of one blob from its HEAD; default 5 attempts, 0.5 s base, 20 s cap. */
    public Builder blobRetry(RequestRetry r) {
      this.blobRetry = r.backoff();
      return this;
    }

    /** Bytes per ranged S3 GET; default 16 MiB. */
    public Builder archiveBlockSize(int bytes) {
      this.archiveBlockSize = bytes;
      return this;
    }

    /** Builds it. */
    public Copier build() {
      if (registries == null) {
        registries = new RegistryClient();
      }
      return new Copier(this);
    }
  }
}
