package io.github.cdkecrdeployment.handler.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.AwsSettings;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyListener;
import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import io.github.cdkecrdeployment.handler.copy.CopyProgress;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.Deadline;
import io.github.cdkecrdeployment.handler.copy.DeadlineExceededException;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.RetryPolicy;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.Digests;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import io.github.cdkecrdeployment.handler.registry.RegistryException;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Copies an image from a tarball in S3 ({@code s3://bucket/key[:ref]}) to a registry: {@code docker
 * save} output (legacy and OCI layouts) and OCI archives, plain or gzip'd.
 *
 * <p>A first pass reads the archive's table of contents and small JSON files; on a plain tar it
 * seeks over the layers instead of downloading them. Then the blobs are streamed from S3 to the
 * registry: by ranged reads, in parallel, from a plain tar; in archive order from a gzip'd one.
 * Uncompressed {@code docker save} layers are gzip-compressed on the way, their digest computed as
 * they stream; OCI archives are copied byte-exact. The manifest is pushed after every blob, and the
 * destination tag last, so nothing half-copied is ever tagged.
 */
public final class ArchiveCopier implements ImageCopier {
  private static final String GZIP_DOCKER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  private static final String GZIP_OCI = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String ZSTD_OCI = "application/vnd.oci.image.layer.v1.tar+zstd";
  private static final String CONFIG_DOCKER = "application/vnd.docker.container.image.v1+json";
  private static final String CONFIG_OCI = "application/vnd.oci.image.config.v1+json";

  private final Supplier<S3Client> s3;
  private final RegistryConnector registries;
  private final int blockSize;
  private final RequestRetry blobRetry;

  /**
   * Creates one.
   *
   * @param s3 reads the archives; called once, on the first S3 copy (so that a command line copying
   *     between registries needs no AWS region)
   * @param registries opens the destination
   */
  public ArchiveCopier(Supplier<S3Client> s3, RegistryConnector registries) {
    this(
        s3,
        registries,
        S3Archive.DEFAULT_BLOCK_SIZE,
        new RequestRetry(5, Duration.ofMillis(500), Duration.ofSeconds(20)));
  }

  ArchiveCopier(Supplier<S3Client> s3, RegistryConnector registries, int blockSize) {
    this(
        s3,
        registries,
        blockSize,
        new RequestRetry(3, Duration.ofMillis(10), Duration.ofMillis(50)));
  }

  /**
   * @param blobRetry retries one blob from the start (a ranged re-read of the archive) when the
   *     registry fails transiently; a streamed upload cannot be replayed by the request layer
   */
  ArchiveCopier(
      Supplier<S3Client> s3, RegistryConnector registries, int blockSize, RequestRetry blobRetry) {
    this.s3 = memoize(s3);
    this.registries = registries;
    this.blockSize = blockSize;
    this.blobRetry = blobRetry;
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

  /**
   * An S3 client as the handler uses it: URL-connection HTTP, buckets in any region, and path-style
   * addressing when an endpoint is set (as S3-compatible test servers need).
   */
  public static S3Client s3Client(AwsSettings settings) {
    var b =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(settings.credentials())
            .region(settings.region())
            .crossRegionAccessEnabled(true);
    if (settings.s3Endpoint() != null) {
      b.endpointOverride(settings.s3Endpoint()).forcePathStyle(true);
    }
    return b.build();
  }

  @Override
  public CopyResult copy(CopyRequest request) throws CopyException, InterruptedException {
    if (!(request.source() instanceof SourceLocation.S3 source)) {
      throw new IllegalArgumentException("not an S3 archive source: " + request.source());
    }
    RetryPolicy retry = request.retryPolicy();
    Progress progress = new Progress();
    for (int attempt = 1; ; attempt++) {
      try {
        return copyOnce(request, source, progress);
      } catch (DeadlineExceededException e) {
        throw e;
      } catch (InterruptedIOException e) {
        throw new InterruptedException("interrupted copying " + source);
      } catch (IOException e) {
        if (e instanceof RegistryException re
            && RegistryException.DEADLINE.equals(re.errorCode())) {
          throw new DeadlineExceededException(re.getMessage(), progress.snapshot());
        }
        boolean permanent = e instanceof ArchiveException a && a.permanent();
        if (permanent || attempt >= retry.attempts()) {
          throw new CopyException(message(e, source, request), progress.snapshot(), e);
        }
        long cap =
            Math.min(
                retry.maxDelay().toMillis(),
                retry.baseDelay().toMillis() * (1L << Math.min(20, attempt - 1)));
        long sleep = ThreadLocalRandom.current().nextLong(cap + 1);
        request
            .listener()
            .stage(
                "attempt "
                    + attempt
                    + "/"
                    + retry.attempts()
                    + " failed ("
                    + e.getMessage()
                    + "); retrying in "
                    + sleep
                    + " ms");
        if (request.deadline().remaining().compareTo(Duration.ofMillis(sleep)) <= 0) {
          throw new DeadlineExceededException(
              "the deadline passed before attempt " + (attempt + 1), progress.snapshot());
        }
        Thread.sleep(sleep);
      }
    }
  }

  private static String message(IOException e, SourceLocation.S3 source, CopyRequest request) {
    if (e instanceof ArchiveException) {
      return e.getMessage();
    }
    return "copying " + source + " to " + request.destination() + " failed: " + e.getMessage();
  }

  private CopyResult copyOnce(CopyRequest request, SourceLocation.S3 source, Progress progress)
      throws IOException, CopyException, InterruptedException {
    CopyListener listener = request.listener();
    listener.stage("reading the table of contents of " + source);
    S3Client client;
    try {
      client = s3.get();
    } catch (SdkClientException e) {
      throw new ArchiveException(
          "cannot create an S3 client to read "
              + source
              + ": "
              + e.getMessage()
              + "; set AWS_REGION (and AWS credentials) in the environment",
          true,
          e);
    }
    S3Archive archive = S3Archive.open(client, source.bucket(), source.key(), blockSize);
    ArchiveContents contents = ArchiveContents.scan(archive);
    ArchivePlan plan =
        ArchivePlan.of(
            contents, archive.uri(), source.ref(), request.selection(), request.archTags());
    checkDeadline(request.deadline(), progress);
    ImageReference dest = request.destination();
    listener.stage("opening " + dest.repositoryUri() + " for push");
    RegistryRepository repo =
        registries.open(
            dest,
            request.destinationCredential(),
            true,
            request.destinationTlsVerify(),
            request.deadline());
    if (plan instanceof ArchivePlan.Oci oci) {
      return pushOci(request, archive, contents, oci, repo, progress);
    }
    return pushDockerSave(
        request, archive, contents, (ArchivePlan.DockerSave) plan, repo, progress);
  }

  private CopyResult pushOci(
      CopyRequest request,
      S3Archive archive,
      ArchiveContents contents,
      ArchivePlan.Oci plan,
      RegistryRepository repo,
      Progress progress)
      throws IOException, CopyException, InterruptedException {
    ImageReference dest = request.destination();
    Optional<String> existing = repo.manifestDigest(dest.reference());
    if (existing.isPresent() && existing.get().equals(plan.top().digest())) {
      request
          .listener()
          .stage(dest + " already holds " + plan.top().digest() + ": nothing to push");
      pushAdditionalTags(request, repo, plan.top());
      return new CopyResult(plan.top().digest(), dest, progress.snapshot(), true);
    }
    List<Job> jobs = new ArrayList<>();
    for (ArchivePlan.OciBlob b : plan.blobs()) {
      jobs.add(new Job(b.entry(), b.descriptor()));
    }
    progress.plan(jobs);
    request.listener().stage("copying " + jobs.size() + " blobs of " + plan.name());
    runJobs(request, archive, contents, jobs, repo, progress);
    for (RawManifest child : plan.children()) {
      checkDeadline(request.deadline(), progress);
      request.listener().stage("pushing manifest " + child.digest());
      repo.pushManifest(child, child.digest());
    }
    for (Map.Entry<String, RawManifest> t : plan.archTags().entrySet()) {
      request.listener().stage("tagging " + t.getValue().digest() + " as " + t.getKey());
      repo.pushManifest(t.getValue(), t.getKey());
    }
    checkDeadline(request.deadline(), progress);
    request.listener().stage("pushing manifest " + plan.top().digest() + " as " + dest);
    String pushed = repo.pushManifest(plan.top(), dest.reference());
    pushAdditionalTags(request, repo, plan.top());
    return new CopyResult(
        pushed != null ? pushed : plan.top().digest(), dest, progress.snapshot(), false);
  }

  private CopyResult pushDockerSave(
      CopyRequest request,
      S3Archive archive,
      ArchiveContents contents,
      ArchivePlan.DockerSave plan,
      RegistryRepository repo,
      Progress progress)
      throws IOException, CopyException, InterruptedException {
    ImageReference dest = request.destination();
    if (!request.archTags().isEmpty()) {
      request
          .listener()
          .stage("archImageTags ignored: " + plan.name() + " is a single-platform image");
    }
    BlobDescriptor config = new BlobDescriptor(Digests.sha256(plan.config()), plan.config().length);
    List<Job> jobs = new ArrayList<>();
    Map<String, Job> byEntry = new LinkedHashMap<>();
    for (TarReader.Entry e : plan.layers()) {
      byEntry.computeIfAbsent(e.name(), n -> new Job(e, null));
    }
    jobs.addAll(byEntry.values());
    progress.plan(jobs);
    progress.total(config.size());
    request.listener().stage("copying config and " + jobs.size() + " layers of " + plan.name());
    long t0 = System.nanoTime();
    BlobOutcome configOutcome =
        blobRetry.run(
            "copy config " + config.digest(),
            request.deadline(),
            () -> {
              if (repo.hasBlob(config.digest())) {
                return BlobOutcome.SKIPPED;
              }
              repo.pushBlob(config, new ByteArrayInputStream(plan.config()));
              return BlobOutcome.COPIED;
            });
    progress.done(config.size(), request.listener(), config, configOutcome, t0);
    runJobs(request, archive, contents, jobs, repo, progress);
    boolean zstd = jobs.stream().anyMatch(j -> ZSTD_OCI.equals(j.mediaType));
    ObjectNode m = ArchivePlan.JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", zstd ? ArchivePlan.OCI_MANIFEST : ArchivePlan.DOCKER_MANIFEST);
    ObjectNode c = m.putObject("config");
    c.put("mediaType", zstd ? CONFIG_OCI : CONFIG_DOCKER);
    c.put("size", config.size());
    c.put("digest", config.digest());
    ArrayNode layers = m.putArray("layers");
    for (TarReader.Entry e : plan.layers()) {
      Job j = byEntry.get(e.name());
      ObjectNode l = layers.addObject();
      l.put("mediaType", zstd && GZIP_DOCKER.equals(j.mediaType) ? GZIP_OCI : j.mediaType);
      l.put("size", j.result.size());
      l.put("digest", j.result.digest());
    }
    byte[] bytes = ArchivePlan.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    RawManifest manifest =
        new RawManifest(bytes, m.get("mediaType").asText(), Digests.sha256(bytes));
    checkDeadline(request.deadline(), progress);
    request.listener().stage("pushing manifest " + manifest.digest() + " as " + dest);
    String pushed = repo.pushManifest(manifest, dest.reference());
    pushAdditionalTags(request, repo, manifest);
    return new CopyResult(
        pushed != null ? pushed : manifest.digest(), dest, progress.snapshot(), false);
  }

  /** The additional tags, after the main tag; a tag already at the digest is left alone. */
  private static void pushAdditionalTags(
      CopyRequest request, RegistryRepository repo, RawManifest top) throws IOException {
    for (String tag : request.additionalTags()) {
      if (repo.manifestDigest(tag).filter(top.digest()::equals).isPresent()) {
        continue;
      }
      request.listener().stage("tagging " + top.digest() + " as " + tag);
      repo.pushManifest(top, tag);
    }
  }

  /**
   * Pushes every job: in parallel by range from a plain tar, in archive order from a gzip'd one.
   */
  private void runJobs(
      CopyRequest request,
      S3Archive archive,
      ArchiveContents contents,
      List<Job> jobs,
      RegistryRepository repo,
      Progress progress)
      throws IOException, CopyException, InterruptedException {
    if (jobs.isEmpty()) {
      return;
    }
    if (contents.gzip()) {
      Map<String, Job> byName = new HashMap<>();
      jobs.forEach(j -> byName.put(j.entry.name(), j));
      try (InputStream raw = archive.open(0, archive.size())) {
        TarReader tar = ArchiveContents.reader(archive, raw, true);
        int left = byName.size();
        for (TarReader.Entry e = tar.next(); e != null && left > 0; e = tar.next()) {
          Job j = byName.remove(e.name());
          if (j != null) {
            checkDeadline(request.deadline(), progress);
            push(j, tar.data(), repo, request.listener(), progress);
            left--;
          }
        }
        if (!byName.isEmpty()) {
          throw new ArchiveException(
              archive.uri() + " changed while it was read: entries disappeared", false, null);
        }
      } catch (EOFException e) {
        throw ArchiveContents.truncatedGzip(archive, e);
      }
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(request.parallelism(), jobs.size()),
            r -> {
              Thread t = new Thread(r, "archive-blob");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Job j : jobs) {
        futures.add(
            pool.submit(
                () -> {
                  checkDeadline(request.deadline(), progress);
                  // A ranged re-read makes the blob replayable: retry it from its start.
                  blobRetry.run(
                      "copy blob " + j.entry.name(),
                      request.deadline(),
                      () -> {
                        try (InputStream in = archive.open(j.entry.offset(), j.entry.size())) {
                          push(j, in, repo, request.listener(), progress);
                        }
                        return null;
                      });
                  return null;
                }));
      }
      for (Future<Void> f : futures) {
        try {
          // Bounded by the deadline: a push stuck in a blocking socket write ignores interrupts.
          long left = Math.min(request.deadline().remaining().toSeconds(), 86_400L) * 1000;
          f.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          futures.forEach(x -> x.cancel(true));
          throw deadlineExceeded(progress);
        } catch (ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof CopyException ce) {
            throw ce;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IOException(cause);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void push(
      Job job, InputStream data, RegistryRepository repo, CopyListener listener, Progress progress)
      throws IOException {
    long t0 = System.nanoTime();
    if (job.known != null) {
      if (repo.hasBlob(job.known.digest())) {
        job.result = job.known;
        progress.done(job.entry.size(), listener, job.known, BlobOutcome.SKIPPED, t0);
        return;
      }
      repo.pushBlob(job.known, data);
      job.result = job.known;
      progress.done(job.entry.size(), listener, job.known, BlobOutcome.COPIED, t0);
      return;
    }
    BufferedInputStream in = new BufferedInputStream(data, 64 * 1024);
    in.mark(4);
    byte[] magic = new byte[4];
    int n = in.readNBytes(magic, 0, 4);
    in.reset();
    InputStream body;
    if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      job.mediaType = GZIP_DOCKER;
      body = in;
    } else if (n == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      job.mediaType = ZSTD_OCI;
      body = in;
    } else {
      job.mediaType = GZIP_DOCKER;
      body = new GzipCompressingInputStream(in);
    }
    BlobDescriptor pushed = repo.pushBlob(body);
    job.result = pushed;
    progress.done(job.entry.size(), listener, pushed, BlobOutcome.COPIED, t0);
  }

  private static void checkDeadline(Deadline deadline, Progress progress)
      throws DeadlineExceededException {
    if (deadline.expired()) {
      throw deadlineExceeded(progress);
    }
  }

  private static DeadlineExceededException deadlineExceeded(Progress progress) {
    CopyProgress p = progress.snapshot();
    return new DeadlineExceededException("the deadline passed with " + p.describe() + " done", p);
  }

  /** One blob to push from the archive. */
  private static final class Job {
    final TarReader.Entry entry;
    final BlobDescriptor known;
    volatile BlobDescriptor result;
    volatile String mediaType;

    Job(TarReader.Entry entry, BlobDescriptor known) {
      this.entry = entry;
      this.known = known;
    }
  }

  /** Counts blobs and (archive) bytes done, for logs and deadline messages. */
  private static final class Progress {
    private final AtomicInteger blobsDone = new AtomicInteger();
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile int blobsTotal;
    private volatile long bytesTotal;

    void plan(List<Job> jobs) {
      blobsDone.set(0);
      bytesDone.set(0);
      blobsTotal = jobs.size();
      bytesTotal = jobs.stream().mapToLong(j -> j.entry.size()).sum();
    }

    void total(long extraBytes) {
      blobsTotal++;
      bytesTotal += extraBytes;
    }

    void done(
        long archiveBytes,
        CopyListener listener,
        BlobDescriptor blob,
        BlobOutcome outcome,
        long startNanos) {
      blobsDone.incrementAndGet();
      bytesDone.addAndGet(archiveBytes);
      listener.blob(blob.digest(), blob.size(), outcome, System.nanoTime() - startNanos);
    }

    CopyProgress snapshot() {
      return new CopyProgress(blobsDone.get(), blobsTotal, bytesDone.get(), bytesTotal);
    }
  }
}
