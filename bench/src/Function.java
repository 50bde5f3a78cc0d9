import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Lambda execution environment on this machine: a function process started against a local
 * Runtime API, inside its CPU share, with the reserved Lambda environment. Two kinds:
 *
 * <ul>
 *   <li>{@link Kind#OURS}: our shaded jar, extracted as Lambda extracts a zip, run by the AWS
 *       Lambda runtime interface client with the command line of the managed {@code java21}
 *       runtime (heap 85 %, metaspace 10 %, code cache 5 % of the memory size, serial GC, CDS
 *       auto; see integ-tests' LambdaRuntimeProcess) plus {@code -XX:MaxRAM=<N>m}. Tiered
 *       compilation stops at C1 by default, as in Lambda's java17+ runtimes, but through
 *       {@code JAVA_TOOL_OPTIONS}, so a function's own {@code JAVA_TOOL_OPTIONS} can override it
 *       as AWS documents (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html).
 *   <li>{@link Kind#PEER}: upstream's {@code provided.al2023} Go binary {@code bootstrap}, which
 *       polls {@code AWS_LAMBDA_RUNTIME_API} itself.
 * </ul>
 *
 * <p>Measures, at the moment the function answered: CPU seconds (utime+stime of the process, all
 * its threads, plus reaped children, from /proc/PID/stat), peak RSS (VmHWM) and bytes it caused to
 * be written to storage (write_bytes of /proc/PID/io).
 */
final class Function implements AutoCloseable {
  enum Kind {
    OURS,
    PEER
  }

  /**
   * A handler to run.
   *
   * @param label name in the report
   * @param kind ours or the peer
   * @param code task root (ours: extracted jar; peer: directory holding bootstrap)
   * @param jvmArgs extra JVM options appended to the managed runtime's command line (ours only)
   * @param javaToolOptions extra JAVA_TOOL_OPTIONS, after the runtime's own (ours only)
   */
  record Handler(
      String label, Kind kind, Path code, List<String> jvmArgs, String javaToolOptions) {
    Handler withJvmArgs(List<String> more) {
      List<String> all = new ArrayList<>(jvmArgs);
      all.addAll(more);
      return new Handler(label, kind, code, all, javaToolOptions);
    }
  }

  /**
   * What one function process used, when it had answered.
   *
   * @param wallS process start to the response arriving at the ResponseURL, seconds
   * @param cpuS CPU seconds of the function process
   * @param hwmKiB peak resident set (VmHWM)
   * @param writeBytes bytes written to storage (/proc/PID/io write_bytes)
   */
  record Usage(double wallS, double cpuS, long hwmKiB, long writeBytes, double sysS) {
    Usage(double wallS, double cpuS, long hwmKiB, long writeBytes) {
      this(wallS, cpuS, hwmKiB, writeBytes, -1);
    }
  }

  /** What every function shares: the JVM, the runtime interface client, the CPU share. */
  record Environment(
      Path java,
      List<Path> ricJars,
      Path jni,
      CpuShare share,
      Map<String, String> common,
      String trustStoreOptions,
      Path workDir) {}

  static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
  static final String HANDLER = "io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest";
  static final String FUNCTION_NAME = "CustomCDKECRDeployment";
  static final String REGION = "us-east-1";
  static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:" + FUNCTION_NAME;

  private final Process process;
  private final Output stdout;
  private final Output stderr;
  private final long startedNanos;

  private Function(Process process, long startedNanos) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.stdout = new Output(process.getInputStream());
    this.stderr = new Output(process.getErrorStream());
  }

  /** Starts {@code handler} as a function of {@code memoryMb} against {@code runtimeApi}. */
  static Function start(
      Environment env,
      Handler handler,
      int memoryMb,
      String runtimeApi,
      Map<String, String> functionEnvironment)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    vars.put("LANG", "en_US.UTF-8");
    vars.put("TZ", ":UTC");
    vars.put("AWS_REGION", REGION);
    vars.put("AWS_DEFAULT_REGION", REGION);
    vars.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
    vars.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
    vars.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    vars.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    vars.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + FUNCTION_NAME);
    vars.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef");
    vars.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    vars.put("LAMBDA_TASK_ROOT", handler.code().toString());
    vars.put("LAMBDA_RUNTIME_DIR", env.workDir().resolve("runtime").toString());
    vars.putAll(env.common());
    vars.putAll(functionEnvironment);
    // Both handlers get the same variables; each reads the ones meant for it (the JVM reads
    // JAVA_TOOL_OPTIONS, Go's TLS stack reads SSL_CERT_FILE).
    String tool =
        "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 "
            + env.trustStoreOptions()
            + (handler.javaToolOptions().isBlank() ? "" : " " + handler.javaToolOptions());
    vars.put("JAVA_TOOL_OPTIONS", tool);
    if (handler.kind() == Kind.OURS) {
      vars.put("_HANDLER", HANDLER);
      vars.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
      long kib = memoryMb * 1024L;
      cmd.add(env.java().toString());
      cmd.add("-XX:MaxHeapSize=" + (kib * 85 / 100) + "k");
      cmd.add("-XX:MaxMetaspaceSize=" + (kib * 10 / 100) + "k");
      cmd.add("-XX:ReservedCodeCacheSize=" + (kib * 5 / 100) + "k");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Xshare:auto");
      cmd.add("-XX:+ExitOnOutOfMemoryError");
      cmd.add("-Djava.net.preferIPv4Stack=true");
      cmd.add("-XX:MaxRAM=" + memoryMb + "m");
      cmd.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + env.jni());
      cmd.addAll(handler.jvmArgs());
      cmd.add("-classpath");
      cmd.add(String.join(":", env.ricJars().stream().map(Path::toString).toList()));
      cmd.add(RIC_MAIN);
      cmd.add(HANDLER);
    } else {
      vars.put("_HANDLER", "bootstrap");
      vars.put("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023");
      cmd.add(handler.code().resolve("bootstrap").toString());
    }
    ProcessBuilder pb = new ProcessBuilder(env.share().wrap(memoryMb, cmd));
    pb.directory(handler.code().toFile());
    pb.environment().clear();
    pb.environment().putAll(vars);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    long t0 = System.nanoTime();
    return new Function(pb.start(), t0);
  }

  long startedNanos() {
    return startedNanos;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Reads what the process has used so far; wall is measured up to {@code answeredNanos}. */
  Usage usage(long answeredNanos) throws IOException {
    return measure(process.pid(), (answeredNanos - startedNanos) / 1e9);
  }

  static Usage measure(long pid, double wallS) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14-17 of proc(5): utime, stime, cutime, cstime; f[0] is field 3.
    long ticks = 0;
    for (int i = 11; i <= 14; i++) {
      ticks += Long.parseLong(f[i]);
    }
    long sysTicks = Long.parseLong(f[12]) + Long.parseLong(f[14]);
    long hwm = -1;
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmHWM:")) {
        hwm = Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    long writes = -1;
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (l.startsWith("write_bytes:")) {
        writes = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
      }
    }
    return new Usage(wallS, ticks / (double) Bench.CLOCK_TICKS, hwm, writes, sysTicks / (double) Bench.CLOCK_TICKS);
  }

  /** stdout then stderr so far (the last 64 KiB of each). */
  String output() {
    return stdout.text() + stderr.text();
  }

  /** Stops the process and anything it started, by pid. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Drains a pipe into memory (the last 64 KiB), so the function's logs cost no disk writes and
   * never block it.
   */
  private static final class Output {
    private static final int KEEP = 64 * 1024;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Thread thread;

    Output(InputStream in) {
      thread =
          new Thread(
              () -> {
                byte[] b = new byte[8192];
                try (in) {
                  for (int n; (n = in.read(b)) >= 0; ) {
                    synchronized (buf) {
                      buf.write(b, 0, n);
                      if (buf.size() > 2 * KEEP) {
                        byte[] all = buf.toByteArray();
                        buf.reset();
                        buf.write(all, all.length - KEEP, KEEP);
                      }
                    }
                  }
                } catch (IOException e) {
                  // the process went away
                }
              },
              "function-output");
      thread.setDaemon(true);
      thread.start();
    }

    String text() {
      synchronized (buf) {
        return buf.toString(StandardCharsets.UTF_8);
      }
    }
  }

}
