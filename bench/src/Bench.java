import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.LambdaRuntimeApiServer;
import io.github.cdkecrdeployment.handler.testing.MediaTypes;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The benchmark behind bench/run: our handler against upstream's Go handler (and our command line
 * against skopeo) on 127.0.0.1, each function in a cgroup holding it to a Lambda's CPU share,
 * driven by the same local Lambda Runtime API with the same CloudFormation event and environment.
 * Every copy goes into a fresh registry; handlers alternate A B, B A, … so neither always runs on a
 * warmer page cache. Writes RESULTS.md and prints it. See bench/README.md for the knobs.
 */
public final class Bench {
  static long CLOCK_TICKS = 100;
  static final long MIB = 1024L * 1024;
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> ALL =
      List.of("big512", "big1769", "index", "recopy", "small", "archive", "cli", "huge", "cold");

  // Knobs (environment), with their defaults.
  final int pairs = intEnv("BENCH_PAIRS", 3);
  final long layerMib = intEnv("BENCH_LAYER_MIB", 128);
  final long indexLayerMib = intEnv("BENCH_INDEX_LAYER_MIB", 50);
  final int smallLayers = intEnv("BENCH_SMALL_LAYERS", 60);
  final long bigMib = intEnv("BENCH_BIG_MIB", 2048);
  final long archiveLayerMib = intEnv("BENCH_ARCHIVE_LAYER_MIB", 128);
  final int timeoutS = intEnv("BENCH_TIMEOUT_S", 600);
  final boolean smoke = "1".equals(System.getenv("BENCH_SMOKE"));
  final Set<String> scenarios;

  final Path jar;
  final Path cache;
  final Path peerDir;
  final Path ricDir;
  final Path out;
  final Instant started = Instant.now();
  final String loadAtStart = loadAverage();
  final List<Row> rows = new ArrayList<>();
  final Map<String, String> facts = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();

  TestCa ca;
  CpuShare share;
  Function.Environment fnEnv;
  Responses responses;
  RegistryServer src;
  TestImages gen;
  Function.Handler ours;
  Function.Handler peer;
  boolean bIsOurs;
  String crypto;

  Bench(String[] args) {
    jar = Path.of(System.getenv().getOrDefault("BENCH_A_JAR", args[0]));
    cache = Path.of(args[1]);
    peerDir = Path.of(args[2]);
    ricDir = Path.of(args[3]);
    out = Path.of(args[4]);
    String list = System.getenv().getOrDefault("BENCH_SCENARIOS", String.join(",", ALL));
    scenarios = new LinkedHashSet<>(Arrays.asList(list.split(",")));
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException(
            "BENCH_SCENARIOS names unknown scenario '" + s + "'; known: " + String.join(",", ALL));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Bench b = new Bench(args);
    try {
      b.run();
    } catch (Exception | AssertionError e) {
      System.err.println("BENCH FAILED: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  void run() throws Exception {
    CLOCK_TICKS = Long.parseLong(exec(List.of("getconf", "CLK_TCK")).strip());
    ca = TestCa.shared();
    share = CpuShare.detect("off".equals(System.getenv("BENCH_CGROUP")));
    Path work = Files.createTempDirectory(cache, "work-");
    try (CpuShare s = share;
        Responses r = Responses.start();
        RegistryServer source = RegistryServer.start(RegistryServer.Options.anonymous())) {
      responses = r;
      src = source;
      setUp(work);
      gen = new TestImages(started.toEpochMilli());
      if (smoke) {
        smoke();
      } else {
        for (String sc : scenarios) {
          long t = System.nanoTime();
          switch (sc) {
            case "big512" -> big(512);
            case "big1769" -> big(1769);
            case "index" -> index();
            case "recopy" -> recopy();
            case "small" -> small();
            case "archive" -> archive(work);
            case "cli" -> cli();
            case "huge" -> huge();
            case "cold" -> cold();
            default -> throw new IllegalStateException(sc);
          }
          progress("scenario %s took %.0f s", sc, secs(t));
        }
      }
    } finally {
      deleteTree(work);
    }
    String report = report();
    Files.writeString(out, report);
    System.out.println(report);
  }

  // ---------------------------------------------------------------- setup

  void setUp(Path work) throws IOException {
    Path java = Path.of(System.getenv().getOrDefault("BENCH_FUNCTION_JAVA_HOME", System.getProperty("java.home")), "bin", "java");
    List<Path> ric = new ArrayList<>();
    try (var ds = Files.newDirectoryStream(ricDir, "*.jar")) {
      ds.forEach(ric::add);
    }
    Collections.sort(ric);
    Path ricJar =
        ric.stream()
            .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no runtime interface client jar in " + ricDir));
    Path runtime = Files.createDirectories(work.resolve("runtime"));
    Path jni = extract(ricJar, "jni/libaws-lambda-jni.linux-" + ricArch() + ".so", runtime.resolve("libaws-lambda-jni.so"));
    Map<String, String> common = new LinkedHashMap<>();
    // The execution role's credentials; s3proxy accepts these, the registries need none.
    common.put("AWS_ACCESS_KEY_ID", S3ProxyExtension.ACCESS_KEY);
    common.put("AWS_SECRET_ACCESS_KEY", S3ProxyExtension.SECRET_KEY);
    common.put("SSL_CERT_FILE", ca.caPem().toString());
    fnEnv =
        new Function.Environment(
            java, ric, jni, share, common, String.join(" ", ca.trustStoreJvmArgs()), work);
    Path taskA = unzip(jar, work.resolve("task-ours"));
    ours =
        new Function.Handler(
            "ours", Function.Kind.OURS, taskA, words(System.getenv("BENCH_A_JVM_ARGS")),
            System.getenv().getOrDefault("BENCH_A_JAVA_TOOL_OPTIONS", ""));
    String bJar = System.getenv("BENCH_B_JAR");
    String bArgs = System.getenv("BENCH_B_JVM_ARGS");
    String bTool = System.getenv("BENCH_B_JAVA_TOOL_OPTIONS");
    bIsOurs = bJar != null || bArgs != null || bTool != null;
    if (bIsOurs) {
      Path taskB = bJar == null ? taskA : unzip(Path.of(bJar), work.resolve("task-b"));
      peer = new Function.Handler("ours-B", Function.Kind.OURS, taskB, words(bArgs), bTool == null ? "" : bTool);
      notes.add(
          "B is not upstream here but a variant of ours: BENCH_B_JAR="
              + (bJar == null ? "(same jar)" : bJar)
              + ", BENCH_B_JVM_ARGS=" + (bArgs == null ? "" : bArgs)
              + ", BENCH_B_JAVA_TOOL_OPTIONS=" + (bTool == null ? "" : bTool));
      if (!ours.jvmArgs().isEmpty() || !ours.javaToolOptions().isEmpty()) {
        notes.add("A runs with BENCH_A_JVM_ARGS=" + ours.jvmArgs() + ", BENCH_A_JAVA_TOOL_OPTIONS=" + ours.javaToolOptions());
      }
    } else {
      peer = new Function.Handler("upstream", Function.Kind.PEER, peerDir, List.of(), "");
    }
    facts();
  }

  static String ricArch() {
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64" -> "aarch_64";
      default -> throw new IllegalStateException("no runtime interface client native library for " + System.getProperty("os.arch"));
    };
  }

  // ---------------------------------------------------------------- scenarios

  /** One image of {@code count} random layers of {@code mib} MiB, pushed to the source. */
  Node pushImage(String repo, Format format, int count, long mib) throws IOException {
    long t = System.nanoTime();
    TestImages.ImageBuilder b = gen.image(format, "linux/amd64");
    for (int i = 0; i < count; i++) {
      b.layers(mib * MIB);
    }
    Node img = b.build();
    gen.push(src.http(), repo, "v1", img);
    progress("pushed %s: %d layers, %.0f MiB, in %.1f s", repo, count, size(img) / (double) MIB, secs(t));
    return img;
  }

  Node big;

  Node bigImage() throws IOException {
    if (big == null) {
      big = pushImage("bench/big", Format.DOCKER, 8, layerMib);
    }
    return big;
  }

  void smoke() throws Exception {
    Node img = pushImage("bench/smoke", Format.OCI, 2, 2);
    Row row = pairs("smoke", "smoke: 2 x 2 MiB layers, handler at 512 MB", 512, 1,
        h -> copyOnce(h, 512, img, "bench/smoke", Map.of(), Map.of()));
    for (List<Function.Usage> us : List.of(row.a(), row.b())) {
      for (Function.Usage u : us) {
        if (!(u.wallS() > 0 && u.cpuS() > 0 && u.hwmKiB() > 0 && u.writeBytes() >= 0)) {
          throw new AssertionError("implausible measurement " + u + ": /proc parsing is broken");
        }
      }
    }
  }

  void big(int mem) throws Exception {
    Node img = bigImage();
    pairs("big" + mem, String.format(Locale.ROOT, "%s / 8 layers, handler at %d MB", mib(img), mem), mem, pairs,
        h -> copyOnce(h, mem, img, "bench/big", Map.of(), Map.of()));
  }

  void index() throws Exception {
    long t = System.nanoTime();
    List<Node> children = new ArrayList<>();
    for (String p : List.of("linux/amd64", "linux/arm64", "linux/arm/v7")) {
      TestImages.ImageBuilder b = gen.image(Format.OCI, p);
      for (int i = 0; i < 4; i++) {
        b.layers(indexLayerMib * MIB);
      }
      children.add(b.build());
    }
    Node idx = gen.index(Format.OCI, children.toArray(Node[]::new)).build();
    gen.push(src.http(), "bench/index", "v1", idx);
    progress("pushed bench/index: 3 platforms, %.0f MiB, in %.1f s", size(idx) / (double) MIB, secs(t));
    pairs("index", String.format(Locale.ROOT, "3-platform OCI index, %.0f MiB, CopyImageIndex, 512 MB", size(idx) / (double) MIB), 512, pairs,
        h -> copyOnce(h, 512, idx, "bench/index", Map.of("CopyImageIndex", "true"), Map.of()));
  }

  void recopy() throws Exception {
    Node img = bigImage();
    try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
      String at = Skopeo.copy(src, "bench/big:v1", dest, "bench/copy:v1");
      check(img.digest(), at, "skopeo seeding the re-copy destination");
      Map<String, String> props = CfnEvents.props("docker://" + src.image("bench/big", "v1"), "docker://" + dest.image("bench/copy", "v1"));
      pairs("recopy", "re-copy " + mib(img) + " onto a tag already at the digest, 512 MB", 512, pairs,
          h -> {
            Function.Usage u = invoke(h, 512, "Create", props, Map.of());
            check(img.digest(), dest.http().manifestDigest("bench/copy", "v1"), h.label());
            return u;
          });
    }
  }

  void small() throws Exception {
    Node img = pushImage("bench/small", Format.OCI, smallLayers, 1);
    pairs("small", smallLayers + " layers of 1 MiB, 512 MB", 512, pairs,
        h -> copyOnce(h, 512, img, "bench/small", Map.of(), Map.of()));
  }

  void archive(Path work) throws Exception {
    S3ProxyExtension s3 = new S3ProxyExtension();
    s3.beforeAll(null);
    try {
      s3.createBucket("bench");
      Map<String, String> s3env = Map.of("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
      Archive probe = writeArchive(work.resolve("probe.tar"), 2, 1);
      s3.client().putObject(b -> b.bucket("bench").key("probe.tar"), software.amazon.awssdk.core.sync.RequestBody.fromFile(probe.file()));
      long t = System.nanoTime();
      Archive a = writeArchive(work.resolve("image.tar"), 8, archiveLayerMib);
      s3.client().putObject(b -> b.bucket("bench").key("image.tar"), software.amazon.awssdk.core.sync.RequestBody.fromFile(a.file()));
      progress("wrote and uploaded a docker save archive of %.0f MiB in %.1f s", Files.size(a.file()) / (double) MIB, secs(t));
      String title = String.format(Locale.ROOT, "%.0f MiB docker save archive in S3 (s3proxy) -> registry, 512 MB", Files.size(a.file()) / (double) MIB);
      boolean peerReadsS3 = true;
      if (!bIsOurs) {
        // Does upstream's handler reach S3 through AWS_ENDPOINT_URL_S3? Find out on a small archive.
        try {
          archiveCopy(peer, "s3://bench/probe.tar", probe, s3env);
          notes.add("archive: upstream's handler honours AWS_ENDPOINT_URL_S3 (it copied a probe archive from s3proxy), so it is the peer");
        } catch (Exception e) {
          peerReadsS3 = false;
          String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
          notes.add("archive: upstream's handler could not read the archive through AWS_ENDPOINT_URL_S3 (" + why
              + "), so the peer is `skopeo copy docker-archive:` of the same file on local disk, in the same CPU share");
        }
      }
      if (peerReadsS3) {
        pairs("archive", title, 512, pairs, h -> archiveCopy(h, "s3://bench/image.tar", a, s3env));
      } else {
        pairs("archive", title + " (peer: skopeo docker-archive: from local disk)", 512, pairs,
            h -> h == ours ? archiveCopy(h, "s3://bench/image.tar", a, s3env) : skopeoArchive(a));
      }
    } finally {
      s3.afterAll(null);
    }
  }

  Function.Usage archiveCopy(Function.Handler h, String uri, Archive a, Map<String, String> env) throws Exception {
    try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
      Map<String, String> props = CfnEvents.props(uri, "docker://" + dest.image("bench/archive", "v1"));
      Function.Usage u = invoke(h, 512, "Create", props, env);
      checkConfig(dest, a.configDigest(), h.label());
      return u;
    }
  }

  Function.Usage skopeoArchive(Archive a) throws Exception {
    try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
      List<String> cmd = new ArrayList<>(List.of(Skopeo.BINARY.toString(), "copy", "--quiet"));
      cmd.addAll(dest.skopeoArgs("dest"));
      cmd.add("docker-archive:" + a.file());
      cmd.add("docker://" + dest.image("bench/archive", "v1"));
      Function.Usage u = timed(cmd, 512);
      checkConfig(dest, a.configDigest(), "skopeo");
      return u;
    }
  }

  void checkConfig(RegistryServer dest, String configDigest, String who) throws IOException {
    JsonNode m = JSON.readTree(dest.http().getManifest("bench/archive", "v1").bytes());
    check(configDigest, m.path("config").path("digest").asText(), who + " (config digest at the destination)");
  }

  void cli() throws Exception {
    Node img = bigImage();
    String label = mib(img) + (bIsOurs ? " / 8 layers, command line A vs B (whole process, unconstrained)"
        : " / 8 layers, command line vs skopeo copy (whole process, unconstrained)");
    pairs("cli", label, 0, pairs, h -> {
      try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
        List<String> cmd = new ArrayList<>();
        if (h == ours || bIsOurs) {
          cmd.add(fnEnv.java().toString());
          cmd.addAll(ca.trustStoreJvmArgs());
          cmd.addAll(h.jvmArgs());
          cmd.addAll(List.of("-jar", h == ours ? jar.toString() : System.getenv().getOrDefault("BENCH_B_JAR", jar.toString()), "copy",
              "docker://" + src.image("bench/big", "v1"), "docker://" + dest.image("bench/copy", "v1")));
        } else {
          cmd.addAll(List.of(Skopeo.BINARY.toString(), "copy", "--quiet"));
          cmd.addAll(src.skopeoArgs("src"));
          cmd.addAll(dest.skopeoArgs("dest"));
          cmd.add("docker://" + src.image("bench/big", "v1"));
          cmd.add("docker://" + dest.image("bench/copy", "v1"));
        }
        Function.Usage u = timed(cmd, 0);
        check(img.digest(), dest.http().manifestDigest("bench/copy", "v1"), String.join(" ", cmd.subList(0, 1)));
        return u;
      }
    }, bIsOurs ? "ours-A CLI" : "ours CLI", bIsOurs ? "ours-B CLI" : "skopeo");
  }

  void huge() throws Exception {
    long t = System.nanoTime();
    Node img = gen.image(Format.OCI, "linux/amd64").layers(bigMib * MIB).build();
    gen.push(src.http(), "bench/huge", "v1", img);
    progress("pushed one %d MiB layer in %.1f s", bigMib, secs(t));
    Function.Handler small = ours.withJvmArgs(List.of("-Xmx128m"));
    // At one full CPU (1769 MB) to keep the bench short; the heap limit is the point here.
    Function.Usage u = copyOnce(small, 1769, img, "bench/huge", Map.of(), Map.of());
    rows.add(new Row("huge", String.format(Locale.ROOT, "one %d MiB layer, ours at 1769 MB with -Xmx128m", bigMib), 1769,
        "ours -Xmx128m", List.of(u), null, List.of()));
    progress("huge: %s", u);
  }

  void cold() throws Exception {
    Map<String, String> props = CfnEvents.props("docker://" + src.image("bench/none", "v1"), "docker://" + src.image("bench/none-dest", "v1"));
    pairs("cold", "cold start: process start -> Delete answered, 512 MB", 512, pairs,
        h -> invoke(h, 512, "Delete", props, Map.of()));
  }

  // ---------------------------------------------------------------- running

  interface Run {
    Function.Usage apply(Function.Handler h) throws Exception;
  }

  Row pairs(String id, String title, int mem, int n, Run run) throws Exception {
    return pairs(id, title, mem, n, run, ours.label(), peer.label());
  }

  Row pairs(String id, String title, int mem, int n, Run run, String labelA, String labelB) throws Exception {
    List<Function.Usage> a = new ArrayList<>();
    List<Function.Usage> b = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 2; k++) {
        boolean aTurn = (i + k) % 2 == 0;
        Function.Handler h = aTurn ? ours : peer;
        Function.Usage u = run.apply(h);
        (aTurn ? a : b).add(u);
        progress("%s pair %d: %-10s %6.2f s wall, %6.2f CPU-s (%.2f of it system), %4d MB peak RSS", id, i + 1, aTurn ? labelA : labelB, u.wallS(), u.cpuS(), u.sysS(), u.hwmKiB() / 1024);
      }
    }
    Row row = new Row(id, title, mem, labelA, a, labelB, b);
    rows.add(row);
    return row;
  }

  Function.Usage copyOnce(Function.Handler h, int mem, Node img, String repo, Map<String, String> extraProps, Map<String, String> env) throws Exception {
    try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
      Map<String, String> props = CfnEvents.props("docker://" + src.image(repo, "v1"), "docker://" + dest.image("bench/copy", "v1"));
      props.putAll(extraProps);
      Function.Usage u = invoke(h, mem, "Create", props, env);
      check(img.digest(), dest.http().manifestDigest("bench/copy", "v1"), h.label());
      return u;
    }
  }

  /** One cold invocation: queue the event, start the function, wait for its ResponseURL PUT. */
  Function.Usage invoke(Function.Handler h, int mem, String type, Map<String, String> props, Map<String, String> env) throws Exception {
    try (LambdaRuntimeApiServer api = LambdaRuntimeApiServer.start()) {
      Responses.Slot slot = responses.slot();
      api.enqueue(new String(CfnEvents.event(type, slot.url(), props, null), StandardCharsets.UTF_8), Duration.ofMinutes(15), Function.ARN);
      try (Function f = Function.start(fnEnv, h, mem, api.address(), env)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        Responses.Answer answer = null;
        while (answer == null) {
          try {
            answer = slot.answer().get(100, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            if (!f.isAlive()) {
              throw new IllegalStateException(h.label() + " exited before answering:\n" + tail(f.output()));
            }
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(h.label() + " did not answer within " + timeoutS + " s (BENCH_TIMEOUT_S):\n" + tail(f.output()));
            }
          }
        }
        Function.Usage u = f.usage(answer.nanos());
        if (h.kind() == Function.Kind.OURS && crypto == null) {
          crypto = f.output().lines().filter(l -> l.contains("crypto: ")).findFirst().orElse(null);
        }
        if ("1".equals(System.getenv("BENCH_SHOW_OUTPUT"))) {
          progress("output of %s:%n%s", h.label(), tail(f.output()));
        }
        JsonNode r = JSON.readTree(answer.body());
        if (!"SUCCESS".equals(r.path("Status").asText())) {
          throw new IllegalStateException(h.label() + " answered " + r.path("Status").asText() + ": " + r.path("Reason").asText() + "\n" + tail(f.output()));
        }
        return u;
      }
    }
  }

  /** Runs a command to its end under /usr/bin/time (in the CPU share of {@code mem}, 0: none). */
  Function.Usage timed(List<String> cmd, int mem) throws Exception {
    Path times = Files.createTempFile(cache, "time", ".txt");
    try {
      List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %U %S %M"));
      full.addAll(cmd);
      ProcessBuilder pb = new ProcessBuilder(mem > 0 ? share.wrap(mem, full) : full);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd.get(0) + " did not finish within " + timeoutS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + tail(new String(output, StandardCharsets.UTF_8)));
      }
      String[] f = Files.readString(times).strip().split("\\s+");
      return new Function.Usage(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]), Long.parseLong(f[3]), -1, Double.parseDouble(f[2]));
    } finally {
      Files.deleteIfExists(times);
    }
  }

  // ---------------------------------------------------------------- archives

  record Archive(Path file, String configDigest) {}

  /** A legacy {@code docker save} tarball of random uncompressed layers, written as a stream. */
  Archive writeArchive(Path file, int layers, long mib) throws IOException {
    List<TestImages.Layer> ls = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      ls.add(gen.layer(mib * MIB, MediaTypes.OCI_LAYER_TAR));
    }
    StringBuilder diffIds = new StringBuilder();
    StringBuilder paths = new StringBuilder();
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (TestImages.Layer l : ls) {
        String id = l.diffId().substring(7);
        entry(o, id + "/layer.tar", l.blob().size(), l.blob().content().get());
        diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(l.diffId()).append('"');
        paths.append(paths.length() == 0 ? "" : ",").append('"').append(id).append("/layer.tar\"");
      }
      byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/app\"]},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
      String configDigest = TestImages.sha256(config);
      String configName = configDigest.substring(7) + ".json";
      entry(o, configName, config.length, new java.io.ByteArrayInputStream(config));
      byte[] manifest = ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"bench/archive:v1\"],\"Layers\":[" + paths + "]}]")
          .getBytes(StandardCharsets.UTF_8);
      entry(o, "manifest.json", manifest.length, new java.io.ByteArrayInputStream(manifest));
      o.write(new byte[1024]);
      return new Archive(file, configDigest);
    }
  }

  static void entry(OutputStream o, String name, long size, InputStream content) throws IOException {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = '0';
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    o.write(h);
    long copied;
    try (content) {
      copied = content.transferTo(o);
    }
    if (copied != size) {
      throw new IOException(name + ": wrote " + copied + " bytes, header says " + size);
    }
    int pad = (int) ((512 - size % 512) % 512);
    o.write(new byte[pad]);
  }

  static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    s = "0".repeat(len - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  // ---------------------------------------------------------------- report

  record Row(String id, String title, int mem, String labelA, List<Function.Usage> a, String labelB, List<Function.Usage> b) {
    double ratio(java.util.function.ToDoubleFunction<Function.Usage> f) {
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        r.add(f.applyAsDouble(a.get(i)) / f.applyAsDouble(b.get(i)));
      }
      return r.isEmpty() ? Double.NaN : median(r);
    }
  }

  Row row(String id) {
    return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  void facts() throws IOException {
    String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
    facts.put("CPU", firstMatch(cpuinfo, "model name\\s*:\\s*(.*)") + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs");
    Set<String> flags = new LinkedHashSet<>(Arrays.asList(firstMatch(cpuinfo, "flags\\s*:\\s*(.*)").split(" ")));
    List<String> aes = new ArrayList<>();
    for (String f : List.of("aes", "pclmulqdq", "vaes", "vpclmulqdq", "avx", "avx2", "avx512f", "avx512bw", "avx512vl", "sha_ni")) {
      aes.add(f + (flags.contains(f) ? "" : " (absent)"));
    }
    facts.put("CPU flags for AES-GCM/SHA", String.join(", ", aes));
    facts.put("memory", firstMatch(Files.readString(Path.of("/proc/meminfo")), "MemTotal:\\s*(\\d+ kB)"));
    facts.put("kernel", exec(List.of("uname", "-srm")).strip());
    facts.put("function JVM", exec(List.of(fnEnv.java().toString(), "-version")).lines().reduce((x, y) -> x + "; " + y).orElse(""));
    facts.put("runtime interface client", fnEnv.ricJars().stream().map(p -> p.getFileName().toString()).toList().toString());
    facts.put("upstream handler", "cdk-ecr-deployment@4.2.65 (npm), package/lambda-bin/bootstrap, sha256 "
        + sha256(peerDir.resolve("bootstrap")) + ", " + goVersion(peerDir.resolve("bootstrap")));
    facts.put("docker-registry", exec(List.of(RegistryServer.BINARY.toString(), "--version")).strip());
    facts.put("skopeo", exec(List.of(Skopeo.BINARY.toString(), "--version")).strip());
    facts.put("CPU share", share.describe() + "; quota = N/1769 of one CPU per 100 ms period ("
        + CpuShare.quotaUs(512) + " us at 512 MB, " + CpuShare.quotaUs(1769) + " us at 1769 MB)");
    if (share.mode() != CpuShare.Mode.OFF) {
      String sys = exec(share.wrap(512, List.of(fnEnv.java().toString(), "-XshowSettings:system", "-version")));
      facts.put("availableProcessors() of a JVM in the 512 MB share", firstMatch(sys, "Effective CPU Count:\\s*(\\d+)")
          + " (in Lambda a 512 MB function's JVM sees the microVM's 2 vCPUs)");
    }
    facts.put("shaded jar", jar + ", " + Files.size(jar) + " bytes (" + String.format(Locale.ROOT, "%.1f", Files.size(jar) / 1e6) + " MB)");
  }

  String report() throws IOException {
    StringBuilder s = new StringBuilder();
    s.append(smoke ? "# Benchmark smoke run\n\n" : "# Benchmark results\n\n");
    s.append("Produced by `").append(command()).append("` on ").append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(String.format(Locale.ROOT, ", in %.1f minutes.%n%n", Duration.between(started, Instant.now()).toMillis() / 60000.0));
    s.append("The function process runs in a cgroup whose CPU quota is N/1769 of one CPU: this simulates the CPU share a Lambda "
        + "function of N MB gets, not Lambda's network (everything here is on 127.0.0.1, over TLS with a test CA). "
        + "Wall time runs from starting the function process (a cold start) to its response reaching the ResponseURL; "
        + "CPU-seconds are utime+stime of the function process and all its threads (/proc/PID/stat) at that moment (the system column: stime alone, time in the kernel); "
        + "peak RSS is its VmHWM. Every copy goes into a fresh registry; the two sides alternate A B, B A, ….\n\n");
    s.append("## Machine\n\n");
    facts.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
    s.append("- our handler's crypto (its first log line saying so): ")
        .append(crypto == null ? "not logged" : crypto.substring(crypto.indexOf("crypto: ") + 8))
        .append('\n');
    s.append("- load average at start: ").append(loadAtStart).append("; at end: ").append(loadAverage()).append('\n');
    s.append('\n');
    if (!notes.isEmpty()) {
      s.append("## Notes\n\n");
      notes.forEach(n -> s.append("- ").append(n).append('\n'));
      s.append('\n');
    }
    s.append("## Figures\n\n");
    s.append("| scenario | side | n | wall min / median / max (s) | CPU-s min / median / max | of it system, median | peak RSS max (MB) | median ratio A÷B wall | median ratio A÷B CPU |\n");
    s.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      s.append(line(r.title(), r.labelA(), r.a(), r.b().isEmpty() ? "" : fmt(r.ratio(Function.Usage::wallS)), r.b().isEmpty() ? "" : fmt(r.ratio(Function.Usage::cpuS))));
      if (!r.b().isEmpty()) {
        s.append(line("", r.labelB(), r.b(), "", ""));
      }
    }
    Row huge = row("huge");
    if (huge != null) {
      Function.Usage u = huge.a().get(0);
      s.append(String.format(Locale.ROOT, "%nOne %d MiB layer, handler at 1769 MB with -Xmx128m: %.1f s, peak RSS %d MB, %d bytes written to storage by the function process (/proc/PID/io write_bytes).%n",
          bigMib, u.wallS(), u.hwmKiB() / 1024, u.writeBytes()));
    }
    if (!smoke) {
      s.append("\n## Goals\n\n| figure | goal | measured | |\n|---|---|---|---|\n");
      goal(s, "handler at 512 MB, 1 GiB / 8 layers: ours ÷ upstream, wall", "≤ 0.8", row("big512"), r -> r.ratio(Function.Usage::wallS), 0.8);
      goal(s, "same: ours ÷ upstream, function CPU-seconds", "≤ 0.8", row("big512"), r -> r.ratio(Function.Usage::cpuS), 0.8);
      goal(s, "handler at 1769 MB: ours ÷ upstream, wall", "≤ 0.8", row("big1769"), r -> r.ratio(Function.Usage::wallS), 0.8);
      goal(s, "3-platform index, ours ÷ upstream (512 MB), wall", "≤ 0.8", row("index"), r -> r.ratio(Function.Usage::wallS), 0.8);
      goal(s, "re-copy unchanged image, ours ÷ upstream, wall", "≤ 0.3", row("recopy"), r -> r.ratio(Function.Usage::wallS), 0.3);
      goal(s, "60 × 1 MiB layers, ours ÷ upstream, wall", "≤ 1.0", row("small"), r -> r.ratio(Function.Usage::wallS), 1.0);
      goal(s, "CLI ÷ skopeo, 1 GiB / 8 layers, wall", "≤ 0.8", row("cli"), r -> r.ratio(Function.Usage::wallS), 0.8);
      goal(s, "peak RSS at 512 MB (1 GiB copy, max of runs), MB", "≤ 100", row("big512"), r -> r.a().stream().mapToLong(Function.Usage::hwmKiB).max().orElse(0) / 1024.0, 100);
      Row cold = row("cold");
      goal(s, "cold start at 512 MB (process start → Delete answered), median s"
          + (cold == null ? "" : "; upstream's: " + fmt(median(cold.b().stream().map(Function.Usage::wallS).toList())) + " s"),
          "≤ 2", cold, r -> median(r.a().stream().map(Function.Usage::wallS).toList()), 2.0);
      double mb = Files.size(jar) / 1e6;
      s.append(String.format(Locale.ROOT, "| shaded handler jar, MB | < 20 | %.1f | %s |%n", mb, mb < 20 ? "met" : "missed"));
      if (bIsOurs) {
        s.append("\n(B is a variant of ours here, so the goal rows compare A with that variant, not with upstream.)\n");
      }
    }
    return s.toString();
  }

  interface RowFigure {
    double of(Row r);
  }

  static void goal(StringBuilder s, String what, String goal, Row r, RowFigure f, double limit) {
    if (r == null) {
      s.append("| ").append(what).append(" | ").append(goal).append(" | not run | |\n");
      return;
    }
    double v = f.of(r);
    s.append("| ").append(what).append(" | ").append(goal).append(" | ").append(fmt(v)).append(" | ").append(v <= limit ? "met" : "missed").append(" |\n");
  }

  static String line(String title, String label, List<Function.Usage> us, String wallRatio, String cpuRatio) {
    List<Double> wall = us.stream().map(Function.Usage::wallS).toList();
    List<Double> cpu = us.stream().map(Function.Usage::cpuS).toList();
    List<Double> sys = us.stream().map(Function.Usage::sysS).toList();
    long rss = us.stream().mapToLong(Function.Usage::hwmKiB).max().orElse(0) / 1024;
    return String.format(Locale.ROOT, "| %s | %s | %d | %s / %s / %s | %s / %s / %s | %s | %d | %s | %s |%n",
        title, label, us.size(), fmt(min(wall)), fmt(median(wall)), fmt(max(wall)), fmt(min(cpu)), fmt(median(cpu)), fmt(max(cpu)), fmt(median(sys)), rss, wallRatio, cpuRatio);
  }

  String command() {
    Map<String, String> knobs = new TreeMap<>();
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("BENCH_")) {
        knobs.put(k, v);
      }
    });
    StringBuilder c = new StringBuilder();
    knobs.forEach((k, v) -> c.append(k).append('=').append(v.contains(" ") ? "'" + v + "'" : v).append(' '));
    return c.append("bench/run").toString();
  }

  // ---------------------------------------------------------------- helpers

  static void check(String expected, String actual, String who) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException(who + ": destination holds " + actual + ", expected " + expected);
    }
  }

  static String mib(Node n) {
    return String.format(Locale.ROOT, "%.0f MiB", size(n) / (double) MIB);
  }

  static long size(Node n) {
    return n.allBlobs().stream().mapToLong(TestImages.Blob::size).sum();
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double min(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  static double max(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static int intEnv(String name, int def) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + v + " is not a positive integer; unset it for the default " + def);
    }
  }

  static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
  }

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }

  static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String firstMatch(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1).strip() : "unknown";
  }

  static String exec(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + o);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return o;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Go version recorded in a Go binary's build info (Go 1.18+ layout). */
  static String goVersion(Path binary) throws IOException {
    byte[] b = Files.readAllBytes(binary);
    byte[] magic = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + 32 < b.length; i++) {
      for (int j = 0; j < magic.length; j++) {
        if (b[i + j] != magic[j]) {
          continue outer;
        }
      }
      if ((b[i + 15] & 2) == 0) {
        return "Go version not inline in build info";
      }
      int off = i + 32;
      int len = 0;
      int shift = 0;
      while ((b[off] & 0x80) != 0) {
        len |= (b[off++] & 0x7f) << shift;
        shift += 7;
      }
      len |= b[off++] << shift;
      return "built with " + new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    return "Go version unknown";
  }

  static Path extract(Path zip, String entry, Path target) throws IOException {
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (e.getName().equals(entry)) {
          Files.copy(z, target);
          return target;
        }
      }
    }
    throw new IllegalStateException(entry + " not found in " + zip);
  }

  /** Extracts a jar as Lambda extracts a function's zip. */
  static Path unzip(Path zip, Path target) throws IOException {
    Files.createDirectories(target);
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        Path d = target.resolve(e.getName()).normalize();
        if (!d.startsWith(target)) {
          throw new IOException("zip entry " + e.getName() + " escapes " + target);
        }
        if (e.isDirectory()) {
          Files.createDirectories(d);
        } else {
          Files.createDirectories(d.getParent());
          Files.copy(z, d, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Collections.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
