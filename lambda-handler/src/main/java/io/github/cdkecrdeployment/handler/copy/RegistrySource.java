package io.github.cdkecrdeployment.handler.copy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.Json;
import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RawManifest;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link CopyPlan} of a {@code docker://} source (DESIGN §5 steps 1–2): GET the manifest
 * with every type accepted and keep its bytes; select (an index with {@link Selection.Kind#ALL} →
 * everything it references, recursively; an index otherwise → the child for the platform; a single
 * manifest → itself, checked against the platform when one was asked for); collect the blobs once.
 * It only reads: pushing is the {@link PlanPusher}'s job.
 */
final class RegistrySource {
  private static final int MAX_DEPTH = 8;

  private final RegistryRepository src;
  private final ImageReference ref;
  private final Workers workers;
  private final Progress progress;
  private final String name;

  RegistrySource(RegistryRepository src, ImageReference ref, Workers workers, Progress progress) {
    this.src = src;
    this.ref = ref;
    this.workers = workers;
    this.progress = progress;
    this.name = "docker://" + ref;
  }

  /** A manifest with the manifests it references (an index's children), read recursively. */
  private record Node(Manifest manifest, List<Node> children) {}

  CopyPlan plan(Selection selection, Map<String, String> archTagSpecs, ImageReference dest)
      throws Exception {
    progress.stage("resolving " + name);
    Manifest top = Manifest.parse(src.pullManifest(ref.reference()), name);
    progress.stage("source " + top.raw().mediaType() + " " + top.digest());
    Node selected;
    Map<String, RawManifest> archTags = new LinkedHashMap<>();
    if (top.index()) {
      if (selection.kind() == Selection.Kind.ALL) {
        selected = tree(top, 0);
        for (Map.Entry<String, String> e : archTagSpecs.entrySet()) {
          JsonNode child = PlatformMatcher.parseRequested(e.getKey()).choose(top.children(), name);
          archTags.put(e.getValue(), find(selected, child.path("digest").asText()));
        }
      } else {
        JsonNode child = PlatformMatcher.of(selection).choose(top.children(), name);
        Manifest m = Manifest.parse(src.pullManifest(child.path("digest").asText()), name);
        progress.stage("selected " + PlatformMatcher.describe(child) + " " + m.digest());
        selected = tree(m, 0);
      }
    } else {
      selected = tree(top, 0);
      if (selection.kind() == Selection.Kind.ARCH) {
        checkSinglePlatform(top, PlatformMatcher.of(selection));
      }
      if (!archTagSpecs.isEmpty()) {
        throw singleWithArchTags(name, top.raw().mediaType());
      }
    }
    Map<String, CopyPlan.PlannedBlob> blobs = new LinkedHashMap<>();
    List<RawManifest> order = new ArrayList<>();
    collect(selected, blobs, order);
    order.remove(selected.manifest().raw());
    boolean sameRegistry = ref.registry().equals(dest.registry());
    return new CopyPlan(
        name,
        List.copyOf(blobs.values()),
        order,
        archTags,
        CopyPlan.Top.fixed(selected.manifest().raw()),
        false,
        sameRegistry ? ref : null);
  }

  /** archImageTags name children of an index; a single image has none (one rule, every source). */
  static CopyException singleWithArchTags(String name, String mediaType) {
    return new CopyException(
        "archImageTags need an index source, but "
            + name
            + " is a single "
            + mediaType
            + " — remove ArchImageTags",
        null,
        null);
  }

  private Node tree(Manifest m, int depth) throws Exception {
    if (depth > MAX_DEPTH) {
      throw new CopyException(
          name + " nests indexes more than " + MAX_DEPTH + " deep — not an image", null, null);
    }
    if (!m.index()) {
      return new Node(m, List.of());
    }
    // An index's children are read in parallel.
    List<Workers.Task<Node>> reads = new ArrayList<>();
    for (JsonNode d : m.children()) {
      String digest = d.path("digest").asText();
      reads.add(() -> tree(Manifest.parse(src.pullManifest(digest), name), depth + 1));
    }
    return new Node(m, depth == 0 ? workers.all(reads) : runInline(reads));
  }

  /** Nested levels run on the calling worker: a bounded pool must not wait on itself. */
  private static <T> List<T> runInline(List<Workers.Task<T>> tasks) throws Exception {
    List<T> out = new ArrayList<>();
    for (Workers.Task<T> t : tasks) {
      out.add(t.run());
    }
    return out;
  }

  private void checkSinglePlatform(Manifest m, PlatformMatcher want)
      throws IOException, CopyException {
    BlobDescriptor cfg = m.config();
    JsonNode json;
    try (InputStream in = src.openBlob(cfg)) {
      json = Json.read(in.readNBytes(8 * 1024 * 1024));
    }
    if (!want.matches(json)) {
      throw new CopyException(
          name
              + " is a single-platform "
              + PlatformMatcher.describe(json)
              + " image, not "
              + want
              + " — drop ImageArch (--arch) or use a source that has "
              + want,
          null,
          null);
    }
  }

  private void collect(Node n, Map<String, CopyPlan.PlannedBlob> blobs, List<RawManifest> order) {
    for (Node c : n.children()) {
      collect(c, blobs, order);
    }
    for (BlobDescriptor b : n.manifest().blobs()) {
      blobs.putIfAbsent(
          b.digest(),
          new CopyPlan.PlannedBlob(b.digest(), b, b.size(), new BlobSource.Registry(src, b)));
    }
    RawManifest raw = n.manifest().raw();
    if (order.stream().noneMatch(o -> o.digest().equals(raw.digest()))) {
      order.add(raw);
    }
  }

  private static RawManifest find(Node root, String digest) {
    if (root.manifest().digest().equals(digest)) {
      return root.manifest().raw();
    }
    for (Node c : root.children()) {
      RawManifest m = find(c, digest);
      if (m != null) {
        return m;
      }
    }
    return null;
  }
}
