package io.github.cdkecrdeployment.integ.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.integ.WorkDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example app synthesizes offline through the AWS CDK command line a user runs ({@code cdk
 * synth}, pinned in {@code package-lock.json}), started in the example's folder so that its
 * relative paths (Docker context, archive) resolve as they do for a user. The app command is the
 * example's main class on this build's class path rather than the Maven command of its {@code
 * cdk.json}: that command rebuilds the reactor, which a test running inside the same build must not
 * do; {@code integ-tests/synth-examples.sh} runs the {@code cdk.json} commands themselves.
 */
class ExamplesCdkSynthIT {

  private static final Pattern MAIN_CLASS =
      Pattern.compile("<example.mainClass>([^<]+)</example.mainClass>");

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  /**
   * Every module of {@code examples/pom.xml}; each must have a {@code cdk.json}, so a new example
   * without one fails here instead of being left out.
   */
  static List<String> examples() throws IOException {
    Path pom = Examples.dir(".").resolve("pom.xml");
    List<String> names = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(pom));
    while (m.find()) {
      names.add(m.group(1));
    }
    assertFalse(names.isEmpty(), "no modules in " + pom);
    for (String name : names) {
      assertTrue(
          Files.isRegularFile(Examples.dir(name).resolve("cdk.json")),
          "examples/" + name + " has no cdk.json");
    }
    return names;
  }

  @ParameterizedTest
  @MethodSource("examples")
  void cdkSynthWorksOfflineInTheExampleFolder(String name) throws Exception {
    Path folder = Examples.dir(name);
    Path cdk = folder.resolve("../../node_modules/.bin/cdk").normalize();
    assertTrue(
        Files.isExecutable(cdk),
        cdk + " is missing: run `npm ci` at the repository root (scripts/test does)");
    Matcher m = MAIN_CLASS.matcher(Files.readString(folder.resolve("pom.xml")));
    assertTrue(m.find(), "example.mainClass in " + folder.resolve("pom.xml"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String app = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + m.group(1);

    Path work = WorkDirs.create(ExamplesCdkSynthIT.class);
    Path out = work.resolve("cdk.out");
    ProcessBuilder pb =
        new ProcessBuilder(
            cdk.toString(),
            "synth",
            "--app",
            app,
            "--output",
            out.toString(),
            "--no-notices",
            "--quiet");
    pb.directory(folder.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(work.resolve("cdk-synth.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
    env.put("CDK_DISABLE_VERSION_CHECK", "true");
    env.put("CDK_DISABLE_CLI_TELEMETRY", "true");
    // Offline: no instance metadata, no account lookups.
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.remove("AWS_PROFILE");
    Process p = pb.start();
    boolean done = p.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String log = Files.readString(work.resolve("cdk-synth.log"), StandardCharsets.UTF_8);
    assertTrue(done, "cdk synth of " + name + " did not finish in 180 s:\n" + log);
    assertEquals(0, p.exitValue(), "cdk synth of " + name + ":\n" + log);

    List<Path> templates;
    try (Stream<Path> s = Files.list(out)) {
      templates = s.filter(f -> f.toString().endsWith(".template.json")).toList();
    }
    assertEquals(1, templates.size(), "one stack per example: " + templates);
    String template = Files.readString(templates.get(0));
    assertTrue(template.contains("\"Custom::CDKECRDeployment\""), "an ECR deployment in " + name);
    assertTrue(
        template.contains("io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest"),
        "the Java handler in " + name);
  }
}
