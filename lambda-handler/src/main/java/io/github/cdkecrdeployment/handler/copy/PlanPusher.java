package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.common.Backoff;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import io.github.cdkecrdeployment.handler.common.MediaTypes;
import io.github.cdkecrdeployment.handler.common.Retry;
import io.github.cdkecrdeployment.handler.common.Retryable;
import io.github.cdkecrdeployment.handler.copy.CopyListener.BlobOutcome;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs any {@link CopyPlan} against the destination (DESIGN §5 steps 3–5):
 *
 * <ol>
 *   <li>every tag already at its digest → push nothing (immutable repositories work);
 *   <li>every blob once, on the copy's {@link Workers}: HEAD → skip; same registry → mount; else
 *       stream from its {@link BlobSource}, nothing buffered. A failed blob starts again from its
 *       HEAD (its source is opened anew);
 *   <li>child manifests by digest unless present — images in parallel, then indexes in order;
 *   <li>arch tags and additional tags unless already at their digest, then the destination tag,
 *       last: a tag never names a partial image.
 * </ol>
 */
final class PlanPusher {
  private final RegistryRepository dest;
  private final ImageReference destRef;
  private final List<String> additionalTags;
  private final Workers workers;
  private final Progress progress;
  private final Backoff blobRetry;
  private final Deadline deadline;

  PlanPusher(
      RegistryRepository dest,
      ImageReference destRef,
      List<String> additionalTags,
      Workers workers,
      Progress progress,
      Backoff blobRetry,
      Deadline deadline) {
    this.dest = dest;
    this.destRef = destRef;
    this.additionalTags = additionalTags;
    this.workers = workers;
    this.progress = progress;
    this.blobRetry = blobRetry;
    this.deadline = deadline;
  }

  /** The result of a push. */
  record Outcome(String digest, boolean pushedNothing) {}

  Outcome push(CopyPlan plan) throws Exception {
    progress.planned(plan.blobs().size(), plan.bytes());
    String known = plan.top().knownDigest();
    if (known != null) {
      checkDestinationDigest(known);
      if (allTagsAt(known, plan.archTags())) {
        progress.allDone();
        progress.stage("docker://" + destRef + " already at " + known + "; nothing to push");
        return new Outcome(known, true);
      }
    }
    progress.stage(
        String.format(
            Locale.ROOT,
            "copying %d blobs (%.1f MB) of %s with %d at once",
            plan.blobs().size(),
            plan.bytes() / 1e6,
            plan.name(),
            plan.sequential() ? 1 : workers.size()));
    Map<String, CopyPlan.Pushed> pushed = pushBlobs(plan);
    pushChildren(plan.children());
    RawManifest top = plan.top().build(pushed);
    if (known == null) {
      checkDestinationDigest(top.digest());
    }
    for (Map.Entry<String, RawManifest> e : plan.archTags().entrySet()) {
      tagUnlessThere(e.getKey(), e.getValue());
    }
    for (String tag : additionalTags) {
      tagUnlessThere(tag, top);
    }
    String ref = destRef.reference();
    progress.stage("tagging docker://" + destRef + " → " + top.digest());
    String stored = dest.pushManifest(top, ref);
    if (!stored.equals(top.digest())) {
      throw new CopyException(
          "docker://"
              + destRef
              + " now holds "
              + stored
              + " instead of "
              + top.digest()
              + " — the destination registry changed the manifest",
          progress.snapshot(),
          null);
    }
    return new Outcome(top.digest(), false);
  }

  private void checkDestinationDigest(String target) throws CopyException {
    if (destRef.digest() != null && !destRef.digest().equals(target)) {
      throw new CopyException(
          "destination docker://"
              + destRef
              + " names digest "
              + destRef.digest()
              + " but the selected source image is "
              + target
              + " — use a tag for the destination or the matching digest",
          progress.snapshot(),
          null);
    }
  }

  private boolean allTagsAt(String target, Map<String, RawManifest> archTags) throws IOException {
    if (!at(destRef.reference(), target)) {
      return false;
    }
    for (Map.Entry<String, RawManifest> e : archTags.entrySet()) {
      if (!at(e.getKey(), e.getValue().digest())) {
        return false;
      }
    }
    for (String tag : additionalTags) {
      if (!at(tag, target)) {
        return false;
      }
    }
    return true;
  }

  private boolean at(String tagOrDigest, String digest) throws IOException {
    Optional<String> d = dest.manifestDigest(tagOrDigest);
    return d.isPresent() && d.get().equals(digest);
  }

  private void tagUnlessThere(String tag, RawManifest m) throws IOException {
    if (at(tag, m.digest())) {
      // Already right: pushing again would fail on an immutable-tag repository.
      return;
    }
    progress.stage("tagging " + destRef.repositoryUri() + ":" + tag + " → " + m.digest());
    dest.pushManifest(m, tag);
  }

  private Map<String, CopyPlan.Pushed> pushBlobs(CopyPlan plan) throws Exception {
    Map<String, CopyPlan.Pushed> pushed = new ConcurrentHashMap<>();
    List<Workers.Task<Void>> tasks = new ArrayList<>();
    for (CopyPlan.PlannedBlob b : plan.blobs()) {
      tasks.add(
          () -> {
            pushed.put(b.key(), pushBlob(b, plan.mountFrom()));
            return null;
          });
    }
    if (plan.sequential()) {
      for (Workers.Task<Void> t : tasks) {
        DeadlineException.check(deadline, "copy " + plan.name());
        workers.one(t);
      }
    } else {
      workers.all(tasks);
    }
    return new LinkedHashMap<>(pushed);
  }

  private CopyPlan.Pushed pushBlob(CopyPlan.PlannedBlob b, ImageReference mountFrom)
      throws IOException {
    long t0 = System.nanoTime();
    return Retry.run(
        "copy blob " + b.key(),
        deadline,
        new Retry.Rule() {
          @Override
          public Backoff backoffAfter(IOException e) {
            return Retryable.isTransient(e) ? blobRetry : null;
          }

          @Override
          public void retrying(IOException e, Duration wait) {
            progress.stage(
                "blob "
                    + b.key()
                    + " failed ("
                    + e.getMessage()
                    + "); trying it again from its HEAD");
          }
        },
        () -> pushOnce(b, mountFrom, t0));
  }

  private CopyPlan.Pushed pushOnce(CopyPlan.PlannedBlob b, ImageReference mountFrom, long t0)
      throws IOException {
    BlobDescriptor known = b.known();
    if (known != null) {
      if (dest.hasBlob(known.digest())) {
        return done(known, null, BlobOutcome.SKIPPED, t0);
      }
      if (mountFrom != null && tryMount(known, mountFrom)) {
        return done(known, null, BlobOutcome.MOUNTED, t0);
      }
      BlobSource.Opened o = b.source().open();
      try (InputStream in = o.stream()) {
        dest.pushBlob(known, in);
      }
      return done(known, o.mediaType(), BlobOutcome.COPIED, t0);
    }
    BlobSource.Opened o = b.source().open();
    BlobDescriptor result;
    try (InputStream in = o.stream()) {
      result = dest.pushBlob(in);
    }
    return done(result, o.mediaType(), BlobOutcome.COPIED, t0);
  }

  private boolean tryMount(BlobDescriptor b, ImageReference from) throws IOException {
    try {
      return dest.mountBlob(b.digest(), from.repository());
    } catch (IOException e) {
      if (Retryable.isTransient(e) || e instanceof DeadlineException) {
        throw e;
      }
      // No right to mount from the source repository: copy the bytes instead.
      return false;
    }
  }

  private CopyPlan.Pushed done(BlobDescriptor d, String mediaType, BlobOutcome o, long t0) {
    progress.blob(d.digest(), d.size(), o, System.nanoTime() - t0);
    return new CopyPlan.Pushed(d, mediaType);
  }

  private void pushChildren(List<RawManifest> children) throws Exception {
    List<Workers.Task<Void>> images = new ArrayList<>();
    List<RawManifest> indexes = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (RawManifest m : children) {
      if (!seen.add(m.digest())) {
        continue;
      }
      if (MediaTypes.isIndex(m.mediaType())) {
        indexes.add(m);
      } else {
        images.add(
            () -> {
              pushByDigest(m);
              return null;
            });
      }
    }
    workers.all(images);
    for (RawManifest m : indexes) {
      pushByDigest(m);
    }
  }

  /** Pushes a child manifest by digest unless the destination has it already. */
  private void pushByDigest(RawManifest m) throws IOException {
    if (dest.manifestDigest(m.digest()).isPresent()) {
      // Present (e.g. shared with an earlier copy): some registries refuse to store it again.
      return;
    }
    progress.stage("pushing manifest " + m.digest());
    dest.pushManifest(m, m.digest());
  }
}
