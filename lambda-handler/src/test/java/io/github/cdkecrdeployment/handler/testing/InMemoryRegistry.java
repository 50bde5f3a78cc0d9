package io.github.cdkecrdeployment.handler.testing;

import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import io.github.cdkecrdeployment.handler.registry.RegistryException;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry in memory, for unit tests of code above {@link RegistryRepository}: verifies blob
 * digests and sizes like a real registry, rejects manifests whose blobs are missing, and records
 * every push in order. Not a substitute for the real-registry tests.
 */
public final class InMemoryRegistry implements RegistryConnector {
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, RawManifest> manifests = new ConcurrentHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final AtomicInteger failPushes = new AtomicInteger();
  private volatile Credential required;
  private volatile Credential lastCredential;
  private volatile java.time.Duration stall;
  private volatile java.util.concurrent.CountDownLatch release;

  /** Requires this credential to open any repository. */
  public InMemoryRegistry requireCredential(Credential c) {
    this.required = c;
    return this;
  }

  /** Answers the next {@code count} blob pushes with HTTP 503, as a registry under load does. */
  public InMemoryRegistry failNextPushes(int count) {
    failPushes.set(count);
    return this;
  }

  /**
   * Makes every push of a blob whose digest is known only at the end (an archive's layers) hang for
   * {@code time}, deaf to interrupts, as a push does whose socket write blocks (an interrupt does
   * not unblock socket I/O).
   */
  public InMemoryRegistry stallStreamedPushes(java.time.Duration time) {
    stall = time;
    return this;
  }

  /**
   * Makes every such push hang, deaf to interrupts, until {@code release} is counted down: a copy
   * that waited for one would never return.
   */
  public InMemoryRegistry stallStreamedPushesUntil(java.util.concurrent.CountDownLatch release) {
    this.release = release;
    return this;
  }

  private void maybeStall() {
    java.util.concurrent.CountDownLatch r = release;
    boolean interruptedWaiting = false;
    while (r != null && r.getCount() > 0) {
      try {
        r.await();
      } catch (InterruptedException e) {
        interruptedWaiting = true;
      }
    }
    if (interruptedWaiting) {
      Thread.currentThread().interrupt();
    }
    java.time.Duration hang = stall;
    if (hang != null) {
      long until = System.nanoTime() + hang.toNanos();
      boolean interrupted = false;
      while (System.nanoTime() < until) {
        try {
          Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void maybeFail() throws RegistryException {
    if (failPushes.getAndDecrement() > 0) {
      throw new RegistryException(
          "pushing a blob failed with HTTP 503 UNAVAILABLE", 503, "UNAVAILABLE", null);
    }
  }

  /** The credential of the last open. */
  public Credential lastCredential() {
    return lastCredential;
  }

  /** Blob bytes by digest, or null. */
  public byte[] blob(String digest) {
    return blobs.get(digest);
  }

  /** The manifest at {@code repository:reference}, or null. */
  public RawManifest manifest(String repositoryUri, String reference) {
    return manifests.get(repositoryUri + ":" + reference);
  }

  /** Every operation in order: {@code blob <digest>}, {@code manifest <repo>:<ref>}. */
  public List<String> operations() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  @Override
  public RegistryRepository open(
      ImageReference reference,
      Credential credential,
      boolean push,
      boolean tlsVerify,
      Deadline deadline)
      throws IOException {
    lastCredential = credential;
    // A registry sees only user and password on the wire, not who issued them.
    if (required != null
        && (credential == null
            || !required.username().equals(credential.username())
            || !required.password().equals(credential.password()))) {
      throw new RegistryException(
          "authentication to " + reference.registry() + " failed (HTTP 401 UNAUTHORIZED)",
          401,
          "UNAUTHORIZED",
          null);
    }
    return new Repo(reference);
  }

  private void record(String op) {
    synchronized (log) {
      log.add(op);
    }
  }

  private static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Repo implements RegistryRepository {
    private final ImageReference ref;

    Repo(ImageReference ref) {
      this.ref = ref;
    }

    @Override
    public ImageReference reference() {
      return ref;
    }

    @Override
    public Optional<String> manifestDigest(String tagOrDigest) {
      RawManifest m = manifests.get(ref.repositoryUri() + ":" + tagOrDigest);
      return m == null ? Optional.empty() : Optional.of(m.digest());
    }

    @Override
    public RawManifest pullManifest(String tagOrDigest) throws IOException {
      RawManifest m = manifests.get(ref.repositoryUri() + ":" + tagOrDigest);
      if (m == null) {
        throw new RegistryException("manifest unknown", 404, "MANIFEST_UNKNOWN", null);
      }
      return m;
    }

    @Override
    public boolean hasBlob(String digest) {
      return blobs.containsKey(digest);
    }

    @Override
    public InputStream openBlob(BlobDescriptor blob) throws IOException {
      byte[] b = blobs.get(blob.digest());
      if (b == null) {
        throw new RegistryException("blob unknown", 404, "BLOB_UNKNOWN", null);
      }
      return new ByteArrayInputStream(b);
    }

    @Override
    public boolean mountBlob(String digest, String fromRepository) {
      return blobs.containsKey(digest);
    }

    @Override
    public void pushBlob(BlobDescriptor blob, InputStream content) throws IOException {
      maybeFail();
      byte[] b = content.readAllBytes();
      if (!sha256(b).equals(blob.digest()) || b.length != blob.size()) {
        throw new RegistryException(
            "digest invalid: expected " + blob + ", got " + sha256(b) + " " + b.length,
            400,
            "DIGEST_INVALID",
            null);
      }
      blobs.put(blob.digest(), b);
      record("blob " + blob.digest());
    }

    @Override
    public BlobDescriptor pushBlob(InputStream content) throws IOException {
      maybeStall();
      maybeFail();
      byte[] b = content.readAllBytes();
      BlobDescriptor d = new BlobDescriptor(sha256(b), b.length);
      blobs.put(d.digest(), b);
      record("blob " + d.digest());
      return d;
    }

    @Override
    public String pushManifest(RawManifest manifest, String tagOrDigest) throws IOException {
      String digest = sha256(manifest.bytes());
      if (!digest.equals(manifest.digest())) {
        throw new RegistryException("manifest digest mismatch", 400, "DIGEST_INVALID", null);
      }
      String body = new String(manifest.bytes(), StandardCharsets.UTF_8);
      // A foreign layer (with "urls") lives elsewhere: registries that allow them, as ECR does,
      // do not want its bytes.
      java.util.Set<String> foreign = new java.util.HashSet<>();
      try {
        for (com.fasterxml.jackson.databind.JsonNode l :
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(manifest.bytes())
                .path("layers")) {
          if (l.path("urls").size() > 0) {
            foreign.add(l.path("digest").asText());
          }
        }
      } catch (IOException e) {
        throw new RegistryException("manifest is not JSON", 400, "MANIFEST_INVALID", null);
      }
      Matcher m = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"").matcher(body);
      while (m.find()) {
        String d = m.group(1);
        if (!foreign.contains(d)
            && !blobs.containsKey(d)
            && !manifests.containsKey(ref.repositoryUri() + ":" + d)) {
          throw new RegistryException(
              "manifest references unknown " + d, 400, "MANIFEST_BLOB_UNKNOWN", null);
        }
      }
      manifests.put(ref.repositoryUri() + ":" + tagOrDigest, manifest);
      manifests.put(ref.repositoryUri() + ":" + digest, manifest);
      record("manifest " + ref.repositoryUri() + ":" + tagOrDigest);
      return digest;
    }
  }
}
