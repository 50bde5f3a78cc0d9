package io.github.cdkecrdeployment.integ.lambda;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One Lambda execution environment: a child JVM that runs the function's code under the AWS Lambda
 * runtime interface client ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}),
 * set up as the managed {@code java21} runtime does it.
 *
 * <ul>
 *   <li>the code asset is extracted into a task root that is the working directory (the client
 *       loads classes from {@code user.dir} and {@code user.dir/lib/*.jar});
 *   <li>only the runtime interface client and its libraries are on the system class path;
 *   <li>heap, metaspace and code cache are 85 %, 10 % and 5 % of {@code MemorySize}, with the
 *       serial collector and C1 only, as in the managed runtime's launch command;
 *   <li>the environment is built from nothing: the reserved {@code AWS_*}/{@code LAMBDA_*}
 *       variables, then the template's {@code Environment}, then what the test adds (endpoints of
 *       local stubs, {@code JAVA_TOOL_OPTIONS} with the test trust store), as a user could set them
 *       on a function.
 * </ul>
 *
 * <p>stdout and stderr go to files in the work directory, appended across restarts, so a test can
 * check the whole output of every start.
 */
public final class LambdaRuntimeProcess implements AutoCloseable {

  /** The class the managed runtime's bootstrap starts. */
  public static final String RIC_MAIN_CLASS =
      "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /** Names the account, region and function of the emulated environment. */
  public record Identity(String accountId, String region, String functionName) {
    /** The function ARN Lambda passes in {@code Lambda-Runtime-Invoked-Function-Arn}. */
    public String functionArn() {
      return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    /** The log stream name Lambda gives the environment. */
    public String logStreamName() {
      return "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef";
    }
  }

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private LambdaRuntimeProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts the runtime for {@code function} against the Runtime API at {@code runtimeApi}.
   *
   * @param workDir a directory owned by the caller: holds the task root and the output files
   * @param extraEnvironment variables added after the template's (test endpoints,
   *     JAVA_TOOL_OPTIONS)
   */
  public static LambdaRuntimeProcess start(
      LambdaFunctionSpec function,
      Identity identity,
      String runtimeApi,
      Path workDir,
      Map<String, String> extraEnvironment)
      throws IOException {
    if (!function.runtime().startsWith("java")) {
      throw new IllegalArgumentException(
          "runtime "
              + function.runtime()
              + " is not a Java managed runtime; only java* functions can run here");
    }
    Files.createDirectories(workDir);
    Path taskRoot = taskRoot(function.code(), workDir.resolve("task"));
    Path runtimeDir = workDir.resolve("runtime");
    Files.createDirectories(runtimeDir);
    Path jni = extractJni(runtimeDir);
    Path tmp = Files.createDirectories(workDir.resolve("tmp"));

    int mem = function.memorySizeMiB();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.add("-XX:MaxHeapSize=" + (mem * 1024L * 85 / 100) + "k");
    command.add("-XX:MaxMetaspaceSize=" + (mem * 1024L * 10 / 100) + "k");
    command.add("-XX:ReservedCodeCacheSize=" + (mem * 1024L * 5 / 100) + "k");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+TieredCompilation");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-Djava.io.tmpdir=" + tmp);
    // The client would unpack its native library to a fixed /tmp path; a private copy keeps
    // parallel
    // runs from overwriting each other's.
    command.add(
        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + jni);
    command.add("-classpath");
    command.add(
        RicClasspath.jars().stream().map(Path::toString).reduce((a, b) -> a + ":" + b).get());
    command.add(RIC_MAIN_CLASS);
    command.add(function.handler());

    ProcessBuilder pb = new ProcessBuilder(command);
    pb.directory(taskRoot.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(environment(function, identity, runtimeApi, taskRoot, runtimeDir));
    env.putAll(function.environment());
    env.putAll(extraEnvironment);
    Path out = workDir.resolve("stdout.log");
    Path err = workDir.resolve("stderr.log");
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new LambdaRuntimeProcess(pb.start(), out, err);
  }

  /** The reserved variables the managed runtime sets (before the function's own). */
  static Map<String, String> environment(
      LambdaFunctionSpec function,
      Identity identity,
      String runtimeApi,
      Path taskRoot,
      Path runtimeDir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("_HANDLER", function.handler());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
    env.put("AWS_REGION", identity.region());
    env.put("AWS_DEFAULT_REGION", identity.region());
    env.put("AWS_LAMBDA_FUNCTION_NAME", identity.functionName());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memorySizeMiB()));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + identity.functionName());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", identity.logStreamName());
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
    // The execution role's temporary credentials; local stubs accept any.
    env.put("AWS_ACCESS_KEY_ID", "ASIAINTEGTESTEXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", "integ-test-secret-access-key");
    env.put("AWS_SESSION_TOKEN", "integ-test-session-token");
    return env;
  }

  /** The JVM that plays the managed runtime's: {@code -Dinteg.lambda.java.home}, else this one. */
  static Path javaExecutable() {
    String home = System.getProperty("integ.lambda.java.home", System.getProperty("java.home"));
    Path java = Path.of(home, "bin", "java");
    if (!Files.isExecutable(java)) {
      throw new IllegalStateException(
          "no java executable at " + java + "; set -Dinteg.lambda.java.home to a JDK 17+ home");
    }
    return java;
  }

  private static Path taskRoot(Path code, Path target) throws IOException {
    if (Files.isDirectory(code)) {
      return code;
    }
    if (!Files.isRegularFile(code)) {
      throw new IllegalArgumentException("code asset " + code + " does not exist");
    }
    if (Files.isDirectory(target)) {
      return target;
    }
    Path partial = Files.createTempDirectory(target.getParent(), "task-");
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(code))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path dest = partial.resolve(e.getName()).normalize();
        if (!dest.startsWith(partial)) {
          throw new IOException("zip entry " + e.getName() + " escapes the task root");
        }
        if (e.isDirectory()) {
          Files.createDirectories(dest);
        } else {
          Files.createDirectories(dest.getParent());
          Files.copy(zip, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private static Path extractJni(Path runtimeDir) throws IOException {
    String arch = System.getProperty("os.arch");
    String name =
        switch (arch) {
          case "amd64", "x86_64" -> "libaws-lambda-jni.linux-x86_64.so";
          case "aarch64" -> "libaws-lambda-jni.linux-aarch_64.so";
          default ->
              throw new IllegalStateException(
                  "the runtime interface client ships no native library for " + arch);
        };
    Path target = runtimeDir.resolve(name);
    if (Files.exists(target)) {
      return target;
    }
    Path ric =
        RicClasspath.jars().stream()
            .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface"))
            .findFirst()
            .orElseThrow();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(ric))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals("jni/" + name)) {
          Path tmp = Files.createTempFile(runtimeDir, "jni", ".so");
          Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          return target;
        }
      }
    }
    throw new IllegalStateException("jni/" + name + " not found in " + ric);
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the runtime is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process, e.g. to wait for its exit. */
  public Process process() {
    return process;
  }

  /** Everything the runtime wrote to stdout so far (all starts in this work directory). */
  public String stdout() {
    return read(stdout);
  }

  /** Everything the runtime wrote to stderr so far (all starts in this work directory). */
  public String stderr() {
    return read(stderr);
  }

  /** stdout then stderr. */
  public String output() {
    return stdout() + stderr();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the runtime by its PID (and anything it started), as Lambda does on a timeout. */
  public void stop() {
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

  @Override
  public void close() {
    stop();
  }

  /** The jars of the runtime interface client, copied by the build into {@code integ.ric.dir}. */
  static final class RicClasspath {
    private RicClasspath() {}

    static List<Path> jars() {
      String dir = System.getProperty("integ.ric.dir");
      if (dir == null) {
        throw new IllegalStateException(
            "system property integ.ric.dir is not set: run the tests through Maven"
                + " (mvn -pl integ-tests -am verify), which copies the runtime interface client there");
      }
      List<Path> jars = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir), "*.jar")) {
        ds.forEach(jars::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
      if (jars.stream()
          .noneMatch(
              p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface"))) {
        throw new IllegalStateException(
            "no aws-lambda-java-runtime-interface-client jar in "
                + dir
                + ": run mvn generate-test-resources");
      }
      jars.sort(null);
      return jars;
    }
  }
}
