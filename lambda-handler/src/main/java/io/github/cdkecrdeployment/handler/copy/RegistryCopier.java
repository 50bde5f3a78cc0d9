package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.JibRegistryAdapter;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import io.github.cdkecrdeployment.handler.registry.RegistryException;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies {@code docker://} images between registries, byte-exact (DESIGN §5):
 *
 * <ol>
 *   <li>GET the source manifest with every manifest type accepted; keep its bytes.
 *   <li>Select: an index with {@link Selection.Kind#ALL} → everything it references (recursively);
 *       an index otherwise → the child for the architecture (default linux/amd64, variant-aware); a
 *       single manifest → itself (with an architecture: only if its config matches).
 *   <li>HEAD the destination tag: already at the digest → push nothing.
 *   <li>Every blob once (deduplicated), in parallel: HEAD → skip; same registry → mount; else
 *       stream GET → upload, nothing buffered. A failed blob restarts from its HEAD.
 *   <li>Child manifests by digest, then archTags, then the tag — last, so a tag never names a
 *       partial image.
 * </ol>
 *
 * {@link RetryPolicy} repeats the whole copy; {@link Deadline} stops it with {@link
 * DeadlineExceededException}. S3 archive sources belong to another copier.
 */
public final class RegistryCopier implements ImageCopier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BLOB_ATTEMPTS = 5;

  private final RegistryConnector connector;
  private final RequestRetry blobRetry;

  /** A copier on {@link JibRegistryAdapter} with its default per-request retry. */
  public RegistryCopier() {
    this(new JibRegistryAdapter());
  }

  /** A copier on a given connector. */
  public RegistryCopier(RegistryConnector connector) {
    this(
        connector, new RequestRetry(BLOB_ATTEMPTS, Duration.ofMillis(500), Duration.ofSeconds(20)));
  }

  /** A copier on a given connector with a given per-blob retry (tests use short delays). */
  public RegistryCopier(RegistryConnector connector, RequestRetry blobRetry) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.blobRetry = Objects.requireNonNull(blobRetry, "blobRetry");
  }

  @Override
  public CopyResult copy(CopyRequest request) throws CopyException, InterruptedException {
    if (!(request.source() instanceof SourceLocation.Docker docker)) {
      throw new IllegalArgumentException(
          "RegistryCopier copies docker:// sources only, got "
              + request.source()
              + "; s3:// archives are copied by the archive copier");
    }
    RetryPolicy policy = request.retryPolicy();
    Deadline deadline = request.deadline();
    for (int attempt = 1; ; attempt++) {
      try {
        return new Attempt(request, docker.reference()).run();
      } catch (DeadlineExceededException e) {
        throw e;
      } catch (CopyException e) {
        if (attempt >= policy.attempts()) {
          throw e;
        }
        long cap =
            Math.min(
                policy.maxDelay().toMillis(),
                policy.baseDelay().toMillis() << Math.min(attempt - 1, 30));
        long wait = ThreadLocalRandom.current().nextLong(Math.max(cap, 1) + 1);
        if (Duration.ofMillis(wait).compareTo(deadline.remaining()) >= 0) {
          throw new DeadlineExceededException(
              e.getMessage()
                  + " (attempt "
                  + attempt
                  + " of "
                  + policy.attempts()
                  + "; no time left before the deadline for another)",
              e.progress());
        }
        request
            .listener()
            .stage(
                "attempt "
                    + attempt
                    + " of "
                    + policy.attempts()
                    + " failed: "
                    + e.getMessage()
                    + "; retrying in "
                    + wait
                    + " ms");
        Thread.sleep(wait);
      }
    }
  }

  /** Work for {@code inParallel}. */
  @FunctionalInterface
  private interface Task<T> {
    T run() throws IOException, CopyException, InterruptedException;
  }

  /** A manifest to push by digest (a child of the selection) or the selected one. */
  private record Node(RawManifest manifest, List<Node> children, List<BlobDescriptor> blobs) {}

  /** One attempt of one copy. */
  private final class Attempt {
    private final CopyRequest request;
    private final ImageReference srcRef;
    private final ImageReference destRef;
    private final CopyListener listener;
    private final Deadline deadline;
    private final AtomicInteger blobsDone = new AtomicInteger();
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile int blobsTotal;
    private volatile long bytesTotal;

    Attempt(CopyRequest request, ImageReference srcRef) {
      this.request = request;
      this.srcRef = srcRef;
      this.destRef = request.destination();
      this.listener = request.listener();
      this.deadline = request.deadline();
    }

    CopyProgress progress() {
      return new CopyProgress(blobsDone.get(), blobsTotal, bytesDone.get(), bytesTotal);
    }

    private String route() {
      return "docker://" + srcRef + " to docker://" + destRef;
    }

    CopyResult run() throws CopyException, InterruptedException {
      try {
        return runUnchecked();
      } catch (RegistryException e) {
        if (RegistryException.DEADLINE.equals(e.errorCode()) || deadline.expired()) {
          throw deadlineExceeded();
        }
        throw new CopyException(e.getMessage(), progress(), e);
      } catch (InterruptedIOException e) {
        throw new InterruptedException(e.getMessage());
      } catch (IOException e) {
        throw new CopyException("copy " + route() + " failed: " + e.getMessage(), progress(), e);
      }
    }

    private DeadlineExceededException deadlineExceeded() {
      return new DeadlineExceededException(
          "copy "
              + route()
              + " did not finish before the deadline ("
              + progress().describe()
              + " done); nothing was tagged — allow more time (Lambda timeout) or retry",
          progress());
    }

    private CopyResult runUnchecked() throws IOException, CopyException, InterruptedException {
      listener.stage("resolving docker://" + srcRef);
      // The destination's TLS check and auth handshake overlap with reading the source.
      CompletableFuture<RegistryRepository> destOpen =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return connector.open(
                      destRef,
                      request.destinationCredential(),
                      true,
                      request.destinationTlsVerify(),
                      deadline);
                } catch (IOException e) {
                  throw new CompletionException(e);
                }
              },
              r -> {
                Thread t = new Thread(r, "open-destination");
                t.setDaemon(true);
                t.start();
              });
      RegistryRepository src =
          connector.open(
              srcRef, request.sourceCredential(), false, request.sourceTlsVerify(), deadline);
      RawManifest top = src.pullManifest(srcRef.reference());
      listener.stage("source " + top.mediaType() + " " + top.digest());

      Node selected;
      Map<String, RawManifest> archTagged = new LinkedHashMap<>();
      if (isIndex(top)) {
        if (request.selection().kind() == Selection.Kind.ALL) {
          selected = resolveTree(src, top, 0);
          for (Map.Entry<String, String> e : request.archTags().entrySet()) {
            JsonNode child = pickChild(top, e.getKey());
            archTagged.put(e.getValue(), findNode(selected, child.path("digest").asText()));
          }
        } else {
          String arch =
              request.selection().kind() == Selection.Kind.ARCH
                  ? request.selection().arch()
                  : "amd64";
          JsonNode child = pickChild(top, arch);
          RawManifest m = src.pullManifest(child.path("digest").asText());
          listener.stage("selected " + platformOf(child) + " " + m.digest());
          selected = resolveTree(src, m, 0);
        }
      } else {
        selected = resolveTree(src, top, 0);
        if (request.selection().kind() == Selection.Kind.ARCH) {
          checkSinglePlatform(src, top, request.selection().arch());
        }
        if (!request.archTags().isEmpty()) {
          throw new CopyException(
              "archImageTags need an index source, but docker://"
                  + srcRef
                  + " is a single "
                  + top.mediaType()
                  + " — remove ArchImageTags",
              progress(),
              null);
        }
      }
      String target = selected.manifest().digest();

      Map<String, BlobDescriptor> blobs = new LinkedHashMap<>();
      List<Node> order = new ArrayList<>();
      collect(selected, blobs, order);
      blobsTotal = blobs.size();
      bytesTotal = blobs.values().stream().mapToLong(BlobDescriptor::size).sum();

      if (destRef.digest() != null && !destRef.digest().equals(target)) {
        throw new CopyException(
            "destination docker://"
                + destRef
                + " names digest "
                + destRef.digest()
                + " but the selected source image is "
                + target
                + " — use a tag for the destination or the matching digest",
            progress(),
            null);
      }
      RegistryRepository dest = join(destOpen);
      if (alreadyThere(dest, target, archTagged)) {
        listener.stage("docker://" + destRef + " already at " + target + "; nothing to push");
        pushAdditionalTags(dest, selected.manifest());
        return new CopyResult(
            target,
            destRef,
            new CopyProgress(blobsTotal, blobsTotal, bytesTotal, bytesTotal),
            true);
      }

      listener.stage(
          "copying "
              + blobsTotal
              + " blobs ("
              + String.format(Locale.ROOT, "%.1f", bytesTotal / 1e6)
              + " MB) with "
              + request.parallelism()
              + " at once");
      copyBlobs(src, dest, new ArrayList<>(blobs.values()));

      // Image manifests by digest in parallel, then nested indexes (after their children, in
      // post-order), then the tags.
      List<Task<Void>> images = new ArrayList<>();
      List<Node> indexes = new ArrayList<>();
      for (Node n : order) {
        if (n == selected) {
          continue;
        }
        if (isIndex(n.manifest())) {
          indexes.add(n);
        } else {
          images.add(
              () -> {
                pushByDigest(dest, n.manifest());
                return null;
              });
        }
      }
      inParallel("push-manifest", images);
      for (Node n : indexes) {
        pushByDigest(dest, n.manifest());
      }
      for (Map.Entry<String, RawManifest> e : archTagged.entrySet()) {
        if (dest.manifestDigest(e.getKey()).filter(e.getValue().digest()::equals).isPresent()) {
          // Already right: re-pushing would fail on an immutable-tag repository.
          continue;
        }
        listener.stage(
            "tagging "
                + destRef.repositoryUri()
                + ":"
                + e.getKey()
                + " → "
                + e.getValue().digest());
        dest.pushManifest(e.getValue(), e.getKey());
      }
      String ref = destRef.reference();
      listener.stage("tagging docker://" + destRef + " → " + target);
      String pushed = dest.pushManifest(selected.manifest(), ref);
      if (!pushed.equals(target)) {
        throw new CopyException(
            "docker://"
                + destRef
                + " now holds "
                + pushed
                + " instead of "
                + target
                + " — the destination registry changed the manifest",
            progress(),
            null);
      }
      pushAdditionalTags(dest, selected.manifest());
      return new CopyResult(target, destRef, progress(), false);
    }

    /** The additional tags, at the very end; a tag already at the digest is left alone. */
    private void pushAdditionalTags(RegistryRepository dest, RawManifest top) throws IOException {
      for (String tag : request.additionalTags()) {
        if (dest.manifestDigest(tag).filter(top.digest()::equals).isPresent()) {
          continue;
        }
        listener.stage("tagging " + destRef.repositoryUri() + ":" + tag + " → " + top.digest());
        dest.pushManifest(top, tag);
      }
    }

    /** Pushes a child manifest by digest unless the destination has it already. */
    private void pushByDigest(RegistryRepository dest, RawManifest m) throws IOException {
      if (dest.manifestDigest(m.digest()).isPresent()) {
        // Present (e.g. shared with an earlier copy): some registries refuse to store it again.
        return;
      }
      listener.stage("pushing manifest " + m.digest());
      dest.pushManifest(m, m.digest());
    }

    private RegistryRepository join(CompletableFuture<RegistryRepository> f)
        throws IOException, InterruptedException {
      try {
        // Bounded by the deadline: a handshake stuck in a socket read ignores interrupts.
        long left = Math.min(deadline.remaining().toSeconds(), 86_400L) * 1000;
        return f.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw new RegistryException(
            "opening docker://" + destRef + ": stopped, the deadline passed",
            0,
            RegistryException.DEADLINE,
            null);
      } catch (ExecutionException e) {
        Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(c);
      }
    }

    private boolean alreadyThere(
        RegistryRepository dest, String target, Map<String, RawManifest> archTagged)
        throws IOException {
      Optional<String> current = dest.manifestDigest(destRef.reference());
      if (current.isEmpty() || !current.get().equals(target)) {
        return false;
      }
      for (Map.Entry<String, RawManifest> e : archTagged.entrySet()) {
        Optional<String> d = dest.manifestDigest(e.getKey());
        if (d.isEmpty() || !d.get().equals(e.getValue().digest())) {
          return false;
        }
      }
      return true;
    }

    private void collect(Node n, Map<String, BlobDescriptor> blobs, List<Node> order) {
      for (Node c : n.children()) {
        collect(c, blobs, order);
      }
      for (BlobDescriptor b : n.blobs()) {
        blobs.putIfAbsent(b.digest(), b);
      }
      if (order.stream().noneMatch(o -> o.manifest().digest().equals(n.manifest().digest()))) {
        order.add(n);
      }
    }

    private RawManifest findNode(Node root, String digest) {
      if (root.manifest().digest().equals(digest)) {
        return root.manifest();
      }
      for (Node c : root.children()) {
        RawManifest m = findNode(c, digest);
        if (m != null) {
          return m;
        }
      }
      return null;
    }

    private Node resolveTree(RegistryRepository src, RawManifest m, int depth)
        throws IOException, CopyException, InterruptedException {
      if (depth > 8) {
        throw new CopyException(
            "docker://" + srcRef + " nests indexes more than 8 deep — not an image",
            progress(),
            null);
      }
      JsonNode json = parse(m);
      if (isIndex(m)) {
        // An index's children are read in parallel (each level with its own small pool).
        List<Task<Node>> reads = new ArrayList<>();
        for (JsonNode d : json.path("manifests")) {
          String digest = d.path("digest").asText();
          reads.add(() -> resolveTree(src, src.pullManifest(digest), depth + 1));
        }
        return new Node(m, inParallel("read-manifest", reads), List.of());
      }
      List<BlobDescriptor> blobs = new ArrayList<>();
      JsonNode config = json.path("config");
      if (config.has("digest")) {
        blobs.add(new BlobDescriptor(config.path("digest").asText(), config.path("size").asLong()));
      }
      for (JsonNode l : json.path("layers")) {
        if (l.has("urls") && l.path("urls").size() > 0) {
          // Foreign (non-distributable) layers stay where their URLs point.
          continue;
        }
        blobs.add(new BlobDescriptor(l.path("digest").asText(), l.path("size").asLong()));
      }
      for (JsonNode l : json.path("blobs")) {
        blobs.add(new BlobDescriptor(l.path("digest").asText(), l.path("size").asLong()));
      }
      if (json.path("schemaVersion").asInt() != 2) {
        throw new CopyException(
            "docker://"
                + srcRef
                + " is a schema "
                + json.path("schemaVersion").asText()
                + " manifest ("
                + m.mediaType()
                + "); only Docker v2 schema 2 and OCI are copied",
            progress(),
            null);
      }
      return new Node(m, List.of(), blobs);
    }

    private JsonNode parse(RawManifest m) throws CopyException {
      try {
        return JSON.readTree(m.bytes());
      } catch (IOException e) {
        throw new CopyException(
            "manifest " + m.digest() + " of docker://" + srcRef + " is not JSON: " + e.getMessage(),
            progress(),
            e);
      }
    }

    private boolean isIndex(RawManifest m) {
      return m.mediaType().equals("application/vnd.oci.image.index.v1+json")
          || m.mediaType().equals("application/vnd.docker.distribution.manifest.list.v2+json");
    }

    private JsonNode pickChild(RawManifest index, String arch) throws CopyException {
      Platform want = Platform.parseRequested(arch);
      JsonNode manifests = parse(index).path("manifests");
      List<JsonNode> candidates = new ArrayList<>();
      for (JsonNode d : manifests) {
        if (want.matches(d.path("platform"))) {
          candidates.add(d);
        }
      }
      if (candidates.isEmpty()) {
        List<String> have = new ArrayList<>();
        for (JsonNode d : manifests) {
          String p = platformOf(d);
          if (!p.startsWith("unknown/") && !have.contains(p)) {
            have.add(p);
          }
        }
        throw new CopyException(
            "docker://"
                + srcRef
                + " has no "
                + want
                + " image; its index offers "
                + (have.isEmpty() ? "no platforms" : String.join(", ", have))
                + " — set ImageArch (--arch) to one of them, or CopyImageIndex (--all)",
            progress(),
            null);
      }
      // Prefer the canonical variant (arm64 → v8 or none, arm → v7) when none was asked for.
      return candidates.stream().filter(want::prefers).findFirst().orElse(candidates.get(0));
    }

    private void checkSinglePlatform(RegistryRepository src, RawManifest m, String arch)
        throws IOException, CopyException {
      JsonNode config = parse(m).path("config");
      BlobDescriptor cfg =
          new BlobDescriptor(config.path("digest").asText(), config.path("size").asLong());
      JsonNode json;
      try (InputStream in = src.openBlob(cfg)) {
        json = JSON.readTree(in.readNBytes(8 * 1024 * 1024));
      }
      Platform want = Platform.parseRequested(arch);
      if (!want.matches(json)) {
        throw new CopyException(
            "docker://"
                + srcRef
                + " is a single-platform "
                + platformOf(json)
                + " image, not "
                + want
                + " — drop ImageArch (--arch) or use a source that has "
                + want,
            progress(),
            null);
      }
    }

    private void copyBlobs(
        RegistryRepository src, RegistryRepository dest, List<BlobDescriptor> blobs)
        throws IOException, CopyException, InterruptedException {
      boolean sameRegistry = srcRef.registry().equals(destRef.registry());
      List<Task<Void>> tasks = new ArrayList<>();
      for (BlobDescriptor b : blobs) {
        tasks.add(
            () -> {
              copyBlob(src, dest, b, sameRegistry);
              return null;
            });
      }
      inParallel("copy-blob", tasks);
    }

    /**
     * Runs tasks on at most {@code parallelism} threads; the first failure cancels the rest, the
     * deadline cancels all. Results in task order.
     */
    private <T> List<T> inParallel(String name, List<Task<T>> tasks)
        throws IOException, CopyException, InterruptedException {
      if (tasks.isEmpty()) {
        return List.of();
      }
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.min(request.parallelism(), tasks.size()),
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      try {
        ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
        List<Future<T>> futures = new ArrayList<>();
        for (Task<T> task : tasks) {
          futures.add(done.submit(task::run));
        }
        for (int i = 0; i < futures.size(); i++) {
          long left = Math.min(deadline.remaining().toSeconds(), 86_400L) * 1000;
          Future<T> f = done.poll(Math.max(left, 1), TimeUnit.MILLISECONDS);
          if (f == null) {
            futures.forEach(x -> x.cancel(true));
            throw deadlineExceeded();
          }
          try {
            f.get();
          } catch (ExecutionException e) {
            futures.forEach(x -> x.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
              throw io;
            }
            if (c instanceof CopyException ce) {
              throw ce;
            }
            if (c instanceof RuntimeException re) {
              throw re;
            }
            throw new CopyException("copy " + route() + " failed: " + c, progress(), c);
          } catch (CancellationException e) {
            throw deadlineExceeded();
          }
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
          try {
            results.add(f.get());
          } catch (ExecutionException e) {
            throw new IllegalStateException(e);
          }
        }
        return results;
      } finally {
        pool.shutdownNow();
      }
    }

    private void copyBlob(
        RegistryRepository src, RegistryRepository dest, BlobDescriptor b, boolean sameRegistry)
        throws IOException {
      long t0 = System.nanoTime();
      BlobOutcome outcome =
          blobRetry.run(
              "copy blob " + b.digest(),
              deadline,
              () -> {
                if (dest.hasBlob(b.digest())) {
                  return BlobOutcome.SKIPPED;
                }
                if (sameRegistry) {
                  try {
                    if (dest.mountBlob(b.digest(), srcRef.repository())) {
                      return BlobOutcome.MOUNTED;
                    }
                  } catch (RegistryException e) {
                    if (e.isTransient() || RegistryException.DEADLINE.equals(e.errorCode())) {
                      throw e;
                    }
                    // No right to mount from the source repository: copy the bytes instead.
                  }
                }
                try (InputStream in = src.openBlob(b)) {
                  dest.pushBlob(b, in);
                }
                return BlobOutcome.COPIED;
              });
      blobsDone.incrementAndGet();
      bytesDone.addAndGet(b.size());
      listener.blob(b.digest(), b.size(), outcome, System.nanoTime() - t0);
    }
  }

  private static String platformOf(JsonNode descriptorOrConfig) {
    JsonNode p =
        descriptorOrConfig.has("platform")
            ? descriptorOrConfig.path("platform")
            : descriptorOrConfig;
    String s = p.path("os").asText("?") + "/" + p.path("architecture").asText("?");
    String v = p.path("variant").asText("");
    return v.isEmpty() ? s : s + "/" + v;
  }

  /**
   * A requested platform: {@code arch}, {@code arch/variant} or {@code os/arch[/variant]} (os
   * defaults to linux). Matching is variant-aware: {@code arm64} ≡ {@code arm64/v8}; a request
   * without variant accepts any variant and prefers the canonical one.
   */
  record Platform(String os, String arch, String variant) {
    static Platform parseRequested(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      String[] p = v.split("/");
      if (p.length == 0 || p[0].isEmpty() || p.length > 3) {
        throw new IllegalArgumentException(
            "invalid architecture '" + value + "': use e.g. amd64, arm64, arm/v7 or linux/arm64");
      }
      if (p.length == 3 || (p.length == 2 && p[0].equals("linux"))) {
        return new Platform(p[0], normalizeArch(p[1]), p.length == 3 ? p[2] : null);
      }
      return new Platform("linux", normalizeArch(p[0]), p.length == 2 ? p[1] : null);
    }

    private static String normalizeArch(String a) {
      return switch (a) {
        case "x86_64", "x86-64" -> "amd64";
        case "aarch64" -> "arm64";
        default -> a;
      };
    }

    boolean matches(JsonNode platform) {
      String pOs = platform.path("os").asText("");
      String pArch = normalizeArch(platform.path("architecture").asText(""));
      String pVar = platform.path("variant").asText("");
      if (!os.equals(pOs) || !arch.equals(pArch)) {
        return false;
      }
      if (variant == null) {
        return true;
      }
      return canonical(arch, variant).equals(canonical(pArch, pVar.isEmpty() ? null : pVar));
    }

    boolean prefers(JsonNode descriptor) {
      String pVar = descriptor.path("platform").path("variant").asText("");
      String want = variant != null ? variant : defaultVariant(arch);
      return canonical(arch, want).equals(canonical(arch, pVar.isEmpty() ? null : pVar));
    }

    private static String defaultVariant(String arch) {
      return switch (arch) {
        case "arm64" -> "v8";
        case "arm" -> "v7";
        default -> null;
      };
    }

    private static String canonical(String arch, String variant) {
      if (variant == null) {
        return arch.equals("arm64") ? "v8" : "";
      }
      return variant;
    }

    @Override
    public String toString() {
      return os + "/" + arch + (variant != null ? "/" + variant : "");
    }
  }
}
