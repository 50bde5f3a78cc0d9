import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lambda function's CPU share: Lambda gives a function CPU in proportion to its memory, one vCPU
 * at 1,769 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). The bench
 * puts the function process in a cgroup whose CFS quota is {@code N/1769} of one CPU: cgroup v1
 * ({@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us} under {@code /sys/fs/cgroup/cpu}) or v2
 * ({@code cpu.max}). The process joins its cgroup before it execs, so every instruction of the
 * function, from the first, runs under the quota. This simulates the CPU share only, not Lambda's
 * network.
 */
final class CpuShare implements AutoCloseable {
  static final int FULL_CPU_MB = 1769;
  static final long PERIOD_US = 100_000;

  enum Mode {
    V1,
    V2,
    /** No cgroup: the function runs unconstrained (BENCH_CGROUP=off). */
    OFF
  }

  private final Mode mode;
  private final Path root;
  private final Map<Integer, Path> groups = new LinkedHashMap<>();

  private CpuShare(Mode mode, Path root) {
    this.mode = mode;
    this.root = root;
  }

  /** Finds a writable cgroup hierarchy with the cpu controller, or fails saying what to do. */
  static CpuShare detect(boolean off) throws IOException {
    if (off) {
      return new CpuShare(Mode.OFF, null);
    }
    Path v1 = Path.of("/sys/fs/cgroup/cpu");
    if (Files.isRegularFile(v1.resolve("cpu.cfs_quota_us")) && Files.isWritable(v1)) {
      return new CpuShare(Mode.V1, v1);
    }
    Path v2 = Path.of("/sys/fs/cgroup");
    Path controllers = v2.resolve("cgroup.controllers");
    if (Files.isRegularFile(controllers)
        && Files.readString(controllers).contains("cpu")
        && Files.isWritable(v2)) {
      Path subtree = v2.resolve("cgroup.subtree_control");
      if (!Files.readString(subtree).contains("cpu")) {
        Files.writeString(subtree, "+cpu");
      }
      return new CpuShare(Mode.V2, v2);
    }
    throw new IllegalStateException(
        "no writable cgroup with the cpu controller (looked for /sys/fs/cgroup/cpu/cpu.cfs_quota_us"
            + " and /sys/fs/cgroup/cgroup.controllers): run bench/run as root on a machine with"
            + " cgroups, or set BENCH_CGROUP=off to run the functions unconstrained");
  }

  Mode mode() {
    return mode;
  }

  String describe() {
    return switch (mode) {
      case V1 -> "cgroup v1, " + root + "/<group>/cpu.cfs_quota_us over cpu.cfs_period_us";
      case V2 -> "cgroup v2, " + root + "/<group>/cpu.max";
      case OFF -> "none (BENCH_CGROUP=off): functions ran unconstrained";
    };
  }

  /** The quota in microseconds per {@link #PERIOD_US} for a function of {@code memoryMb}. */
  static long quotaUs(int memoryMb) {
    return Math.round(PERIOD_US * (double) memoryMb / FULL_CPU_MB);
  }

  /**
   * {@code command} prefixed so that it runs inside the cgroup of {@code memoryMb}: a shell writes
   * its own pid to {@code cgroup.procs}, then execs the command (same pid, so /proc/PID is the
   * function's).
   */
  List<String> wrap(int memoryMb, List<String> command) throws IOException {
    if (mode == Mode.OFF) {
      return command;
    }
    Path group = group(memoryMb);
    List<String> out = new ArrayList<>();
    out.add("/bin/sh");
    out.add("-c");
    out.add("echo $$ > \"$0/cgroup.procs\" && exec \"$@\"");
    out.add(group.toString());
    out.addAll(command);
    return out;
  }

  private synchronized Path group(int memoryMb) throws IOException {
    Path g = groups.get(memoryMb);
    if (g != null) {
      return g;
    }
    g = root.resolve("cdk-ecr-bench-" + ProcessHandle.current().pid() + "-" + memoryMb);
    if (!Files.isDirectory(g)) {
      Files.createDirectory(g);
    }
    long quota = quotaUs(memoryMb);
    if (mode == Mode.V1) {
      write(g.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
      write(g.resolve("cpu.cfs_quota_us"), Long.toString(quota));
    } else {
      write(g.resolve("cpu.max"), quota + " " + PERIOD_US);
    }
    groups.put(memoryMb, g);
    return g;
  }

  private static void write(Path p, String value) throws IOException {
    Files.writeString(p, value, StandardCharsets.US_ASCII);
  }

  /** Removes the cgroups (their processes have all been stopped by then). */
  @Override
  public synchronized void close() {
    for (Path g : groups.values()) {
      try {
        Files.deleteIfExists(g);
      } catch (IOException e) {
        System.err.println("could not remove " + g + ": " + e.getMessage());
      }
    }
    groups.clear();
  }
}
