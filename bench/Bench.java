import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.Skopeo;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark on 127.0.0.1: a 1 GiB image of 8 random layers copied by the command line and by
 * skopeo between local TLS registries (each copy into its own fresh registry, BENCH_ROUNDS rounds,
 * medians compared), a re-run onto a tag that already holds the digest, then one 2 GiB layer
 * copied by the command line with -Xmx128m. Run through bench/run.
 */
public class Bench {
  static final long MIB = 1024L * 1024;

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    long layerMib = Long.parseLong(System.getenv().getOrDefault("BENCH_LAYER_MIB", "128"));
    long bigMib = Long.parseLong(System.getenv().getOrDefault("BENCH_BIG_MIB", "2048"));
    TestCa ca = TestCa.shared();
    try (RegistryServer src = RegistryServer.start(RegistryServer.Options.anonymous());
        RegistryServer ours = RegistryServer.start(RegistryServer.Options.anonymous())) {
      TestImages gen = new TestImages(System.nanoTime());
      TestImages.ImageBuilder b = gen.image(Format.DOCKER, "linux/amd64");
      long t0 = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        b.layers(layerMib * MIB);
      }
      Node img = b.build();
      long total = img.allBlobs().stream().mapToLong(TestImages.Blob::size).sum();
      gen.push(src.http(), "bench/big", "v1", img);
      System.out.printf(
          Locale.ROOT, "generated and pushed 8 layers, %.1f MiB, in %.1f s%n", total / (double) MIB,
          secs(t0));

      int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
      List<Double> cliTimes = new ArrayList<>();
      List<Double> skopeoTimes = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        // Each copy goes into a fresh registry; the order alternates so neither tool always runs
        // on a warmer page cache.
        for (int k = 0; k < 2; k++) {
          boolean cliTurn = (round + k) % 2 == 0;
          try (RegistryServer dest = RegistryServer.start(RegistryServer.Options.anonymous())) {
            long t = System.nanoTime();
            if (cliTurn) {
              check(cli(jar, ca, List.of(), "docker://" + src.image("bench/big", "v1"),
                  "docker://" + dest.image("bench/ours", "v1")), img.digest());
              cliTimes.add(secs(t));
            } else {
              String sd = Skopeo.copy(src, "bench/big:v1", dest, "bench/skopeo:v1");
              skopeoTimes.add(secs(t));
              if (!sd.equals(img.digest())) {
                throw new IllegalStateException("skopeo wrote " + sd + ", expected " + img.digest());
              }
            }
          }
        }
      }
      double cliS = median(cliTimes);
      double skS = median(skopeoTimes);
      System.out.printf(Locale.ROOT, "1 GiB / 8 layers  command line: %6.2f s median (%.0f MB/s) of %s%n", cliS, total / 1e6 / cliS, fmt(cliTimes));
      System.out.printf(Locale.ROOT, "1 GiB / 8 layers  skopeo copy:  %6.2f s median (%.0f MB/s) of %s%n", skS, total / 1e6 / skS, fmt(skopeoTimes));
      System.out.printf(Locale.ROOT, "ratio command line / skopeo (medians): %.2f%n", cliS / skS);
      check(cli(jar, ca, List.of(), "docker://" + src.image("bench/big", "v1"),
          "docker://" + ours.image("bench/ours", "v1")), img.digest());

      long r0 = System.nanoTime();
      Result again = cli(jar, ca, List.of(), "docker://" + src.image("bench/big", "v1"),
          "docker://" + ours.image("bench/ours", "v1"));
      check(again, img.digest());
      System.out.printf(Locale.ROOT, "re-run, tag already at digest, command line: %.2f s%n", secs(r0));
      long q0 = System.nanoTime();
      Skopeo.copy(src, "bench/big:v1", ours, "bench/ours:v1");
      System.out.printf(Locale.ROOT, "re-run, tag already at digest, skopeo copy:  %.2f s%n", secs(q0));

      Node big = gen.image(Format.OCI, "linux/amd64").layers(bigMib * MIB).build();
      long p0 = System.nanoTime();
      gen.push(src.http(), "bench/huge", "v1", big);
      System.out.printf(Locale.ROOT, "generated and pushed one %d MiB layer in %.1f s%n", bigMib, secs(p0));
      long h0 = System.nanoTime();
      Result huge = cli(jar, ca, List.of("-Xmx128m"), "docker://" + src.image("bench/huge", "v1"),
          "docker://" + ours.image("bench/huge", "v1"));
      double hugeS = secs(h0);
      check(huge, big.digest());
      String at = ours.http().manifestDigest("bench/huge", "v1");
      if (!big.digest().equals(at)) {
        throw new IllegalStateException("destination holds " + at);
      }
      long size = big.allBlobs().stream().mapToLong(TestImages.Blob::size).sum();
      System.out.printf(Locale.ROOT, "%d MiB single layer, -Xmx128m: %.2f s (%.0f MB/s), %s%n",
          bigMib, hugeS, size / 1e6 / hugeS, huge.maxRss);
    }
  }

  record Result(int code, String out, String err, String maxRss) {}

  static Result cli(Path jar, TestCa ca, List<String> jvm, String src, String dest) throws Exception {
    List<String> cmd = new ArrayList<>();
    boolean time = Files.isExecutable(Path.of("/usr/bin/time"));
    if (time) {
      cmd.addAll(List.of("/usr/bin/time", "-f", "max RSS %M KiB"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ca.trustStoreJvmArgs());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", jar.toString(), "copy", src, dest));
    Process p = new ProcessBuilder(cmd).start();
    byte[] err = p.getErrorStream().readAllBytes();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    String e = new String(err, StandardCharsets.UTF_8);
    String rss = e.lines().filter(l -> l.startsWith("max RSS")).findFirst().orElse("max RSS not measured (no /usr/bin/time)");
    return new Result(code, out, e, rss);
  }

  static void check(Result r, String digest) {
    if (r.code() != 0 || !r.out().strip().endsWith(digest)) {
      throw new IllegalStateException("command line failed (" + r.code() + "): " + r.err() + r.out());
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    java.util.Collections.sort(s);
    return s.get(s.size() / 2);
  }

  static String fmt(List<Double> xs) {
    return xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList().toString();
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
