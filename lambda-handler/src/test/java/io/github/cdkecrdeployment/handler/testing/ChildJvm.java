package io.github.cdkecrdeployment.handler.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM on this JVM's class path (the module's classes, its dependencies and this
 * harness), as a separate process runs the command line or a Lambda sandbox runs the handler: it
 * trusts only the shared {@link TestCa}, resolves names with this JVM's {@code jdk.net.hosts.file},
 * and gets an environment built from nothing but {@code PATH} and what the caller passes (AWS
 * endpoints of local stubs, region, test credentials). stdout and stderr go to files.
 */
public final class ChildJvm {
  /**
   * How a finished child ended.
   *
   * @param exitCode its exit status
   * @param stdout everything it wrote to stdout
   * @param stderr everything it wrote to stderr
   */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final Process process;
  private final Path out;
  private final Path err;

  private ChildJvm(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param environment the child's whole environment besides {@code PATH}
   * @param dir where the output files go
   */
  public static ChildJvm start(
      String mainClass, List<String> args, Map<String, String> environment, Path dir)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    cmd.addAll(TestCa.shared().trustStoreJvmArgs());
    String hosts = System.getProperty("jdk.net.hosts.file");
    if (hosts != null) {
      cmd.add("-Djdk.net.hosts.file=" + hosts);
    }
    cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().putAll(environment);
    Files.createDirectories(dir);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new ChildJvm(pb.start(), out, err);
  }

  /** Runs {@code mainClass} to its end (stopping it by PID after {@code timeout}). */
  public static Result run(
      String mainClass,
      List<String> args,
      Map<String, String> environment,
      Path dir,
      Duration timeout)
      throws IOException, InterruptedException {
    return start(mainClass, args, environment, dir).await(timeout);
  }

  /** The child's PID. */
  public long pid() {
    return process.pid();
  }

  /**
   * Waits for the end; after {@code timeout} the child is stopped and an {@link AssertionError}
   * says so.
   */
  public Result await(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      stop();
      throw new AssertionError(
          "child JVM "
              + process.pid()
              + " did not end within "
              + timeout
              + "; stderr: "
              + read(err));
    }
    return new Result(process.exitValue(), read(out), read(err));
  }

  /** Stops the child by its PID. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }
}
