package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.ChildJvm;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential, token or pre-signed URL reaches any output: copies (and failing copies) through
 * every credential path — user:password on a basic-auth registry and on a token-auth registry, a
 * Secrets Manager secret holding user:password, one holding JSON, an ECR token, an ECR Public token
 * — run through the handler (its log at DEBUG, System.out/err, every CloudFormation response body)
 * and through the command line in child JVMs (stdout, stderr). All of it is scanned for every
 * password, its Basic form, every token the AWS stub and the token server handed out, and the
 * response URL's signature.
 */
class ReliabilitySecretsTest {
  @RegisterExtension static final RegistryExtension BASIC = RegistryExtension.basic();
  @RegisterExtension static final RegistryExtension TOKEN = RegistryExtension.token();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final TestImages GEN = new TestImages(1111);
  private static final String LITERAL_PW = "Lit3ral-Pw-7f3a9e";
  private static final String PLAIN_PW = "Pla1n-Secret-Pw-c41e0b";
  private static final String JSON_PW = "Js0n-Secret-Pw-9b2d77";
  private static final String ECR_PW = "Ecr-T0ken-Pw-51ab3c";
  private static final String ECR_PUBLIC_PW = "EcrPub-T0ken-Pw-2e8f10";
  private static final String WRONG_PW = "Wr0ng-Pw-that-fails-4d4d";
  private static final String CLI_PW = "Cl1-Pw-for-the-command-line-88aa";
  private static Node image;

  @TempDir Path work;

  @BeforeAll
  static void seed() throws Exception {
    TestCa.shared().trustInThisJvm();
    image = GEN.image(Format.OCI, "linux/amd64").layers(8_000, 3_000).build();
    GEN.push(BASIC.server().http(), "seed/app", "v1", image);
    RegistryServer t = TOKEN.server();
    t.tokenServer()
        .user("lit", LITERAL_PW)
        .user("plain", PLAIN_PW)
        .user("json", JSON_PW)
        .user("cli", CLI_PW)
        .user("AWS", ECR_PW)
        .policy((user, repo, requested) -> user == null ? Set.of() : requested);
    GEN.push(t.http(), "seed/app", "v1", image);
  }

  private AwsSettings settings() {
    return aws.settings().build();
  }

  private static Map<String, String> props(
      String src, String srcCreds, String dest, String destCreds) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("SrcImage", src);
    if (srcCreds != null) {
      m.put("SrcCreds", srcCreds);
    }
    m.put("DestImage", dest);
    if (destCreds != null) {
      m.put("DestCreds", destCreds);
    }
    return m;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noCredentialTokenOrSignedUrlReachesAnyOutput() throws Exception {
    String basic = BASIC.server().host();
    String token = TOKEN.server().host();
    String ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com:" + TOKEN.server().port();
    String ecrPublic = "public.ecr.aws:" + TOKEN.server().port();
    aws.secret("plain-secret", "plain:" + PLAIN_PW);
    aws.secret("json-secret", "{\"username\":\"json\",\"password\":\"" + JSON_PW + "\"}");
    aws.secret("json-wrong", "{\"username\":\"json\",\"password\":\"" + WRONG_PW + "-json\"}");

    List<String> outputs = new ArrayList<>();
    Set<String> paths = new LinkedHashSet<>();
    Map<String, String> outcomes = new LinkedHashMap<>();
    ByteArrayOutputStream std = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(std, true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    Deployments d = new Deployments(settings());
    System.setOut(capture);
    System.setErr(capture);
    try {
      String lit = "lit:" + LITERAL_PW;
      String basicCreds = RegistryServer.USER + ":" + RegistryServer.PASSWORD;
      run(
          d,
          outputs,
          outcomes,
          "user:password (basic)",
          props(
              "docker://" + basic + "/seed/app:v1",
              basicCreds,
              "docker://" + basic + "/out/basic:v1",
              basicCreds));
      run(
          d,
          outputs,
          outcomes,
          "user:password (token-auth registry)",
          props(
              "docker://" + token + "/seed/app:v1",
              lit,
              "docker://" + token + "/out/literal:v1",
              lit));
      run(
          d,
          outputs,
          outcomes,
          "Secrets Manager user:password",
          props(
              "docker://" + token + "/seed/app:v1",
              "plain-secret",
              "docker://" + token + "/out/plain:v1",
              "plain-secret"));
      run(
          d,
          outputs,
          outcomes,
          "Secrets Manager JSON",
          props(
              "docker://" + token + "/seed/app:v1",
              "json-secret",
              "docker://" + token + "/out/json:v1",
              "json-secret"));
      aws.ecrToken("AWS:" + ECR_PW);
      run(
          d,
          outputs,
          outcomes,
          "ECR token",
          props("docker://" + ecr + "/seed/app:v1", null, "docker://" + ecr + "/out/ecr:v1", null));
      TOKEN.server().tokenServer().user("AWS", ECR_PUBLIC_PW);
      aws.ecrPublicToken("AWS:" + ECR_PUBLIC_PW);
      run(
          d,
          outputs,
          outcomes,
          "ECR Public token",
          props(
              "docker://" + ecrPublic + "/seed/app:v1",
              null,
              "docker://" + ecrPublic + "/out/public:v1",
              null));
      // Failures: every message on the way to the reason is scanned too.
      run(
          d,
          outputs,
          outcomes,
          "FAILED wrong user:password",
          props(
              "docker://" + basic + "/seed/app:v1",
              RegistryServer.USER + ":" + WRONG_PW,
              "docker://" + basic + "/out/x:v1",
              null));
      run(
          d,
          outputs,
          outcomes,
          "FAILED wrong JSON secret",
          props(
              "docker://" + token + "/seed/app:v1",
              "json-wrong",
              "docker://" + token + "/out/x:v1",
              null));
      aws.ecrToken("AWS:" + WRONG_PW + "-ecr");
      run(
          d,
          outputs,
          outcomes,
          "FAILED wrong ECR token",
          props("docker://" + ecr + "/seed/app:v1", null, "docker://" + ecr + "/out/y:v1", null));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    outputs.add(d.log());
    outputs.add(std.toString(StandardCharsets.UTF_8));
    paths.addAll(outcomes.keySet());

    // The command line, as a separate process with the AWS endpoints of the stub.
    aws.ecrToken("AWS:" + ECR_PW);
    TOKEN.server().tokenServer().user("AWS", ECR_PW);
    aws.secret("cli-secret", "{\"username\":\"cli\",\"password\":\"" + CLI_PW + "\"}");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "secret-key-of-the-cli-test");
    env.put("AWS_ENDPOINT_URL_ECR", aws.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_ECR_PUBLIC", aws.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.endpoint().toString());
    List<List<String>> cli =
        List.of(
            List.of(
                "copy",
                "--src-creds",
                "cli:" + CLI_PW,
                "--dest-creds=cli:" + CLI_PW,
                "docker://" + token + "/seed/app:v1",
                "docker://" + token + "/out/cli-literal:v1"),
            List.of(
                "copy",
                "--src-creds",
                "cli-secret",
                "--dest-creds",
                "cli-secret",
                "docker://" + token + "/seed/app:v1",
                "docker://" + token + "/out/cli-json:v1"),
            List.of(
                "copy", "docker://" + ecr + "/seed/app:v1", "docker://" + ecr + "/out/cli-ecr:v1"),
            List.of(
                "copy",
                "--src-creds",
                "cli:" + WRONG_PW + "-cli",
                "docker://" + token + "/seed/app:v1",
                "docker://" + token + "/out/cli-x:v1"));
    List<String> cliPaths =
        List.of(
            "CLI user:password",
            "CLI Secrets Manager JSON",
            "CLI ECR token",
            "CLI FAILED wrong user:password");
    for (int i = 0; i < cli.size(); i++) {
      ChildJvm.Result r =
          ChildJvm.run(
              "io.github.cdkecrdeployment.handler.cli.Main",
              cli.get(i),
              env,
              work.resolve("cli-" + i),
              Duration.ofMinutes(3));
      outputs.add(r.stdout());
      outputs.add(r.stderr());
      outcomes.put(
          cliPaths.get(i),
          "exit "
              + r.exitCode()
              + ": "
              + r.stderr().strip().lines().reduce((a, b) -> b).orElse(""));
      paths.add(cliPaths.get(i));
      assertEquals(i < 3 ? 0 : 1, r.exitCode(), cliPaths.get(i) + ": " + r.stderr());
      if (i < 3) {
        assertEquals(image.digest(), r.stdout().strip().lines().reduce((a, b) -> b).orElse(""));
      }
    }

    // What must never appear.
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String pw :
        List.of(
            LITERAL_PW,
            PLAIN_PW,
            JSON_PW,
            ECR_PW,
            ECR_PUBLIC_PW,
            CLI_PW,
            RegistryServer.PASSWORD,
            WRONG_PW)) {
      secrets.put("password " + pw, pw);
    }
    for (String user :
        List.of(
            "lit:" + LITERAL_PW,
            "plain:" + PLAIN_PW,
            "json:" + JSON_PW,
            "AWS:" + ECR_PW,
            "AWS:" + ECR_PUBLIC_PW,
            "cli:" + CLI_PW,
            RegistryServer.USER + ":" + RegistryServer.PASSWORD)) {
      secrets.put("basic/ECR token form of " + user, b64(user));
    }
    List<String> bearer = TOKEN.server().tokenServer().issuedTokens();
    assertFalse(bearer.isEmpty(), "the token server handed out tokens");
    for (int i = 0; i < bearer.size(); i++) {
      // A JWT's signature part is what makes it a bearer secret.
      String jwt = bearer.get(i);
      secrets.put("bearer token " + i, jwt.substring(jwt.lastIndexOf('.') + 1));
    }
    secrets.put("ResponseURL query", cfn.url().getRawQuery());
    secrets.put("ResponseURL signature", "5ec12e7a11ed0ff5ec12e7a11ed0ff");

    String all = String.join("\n", outputs);
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      if (all.contains(s.getValue())) {
        int at = all.indexOf(s.getValue());
        leaks.add(
            s.getKey()
                + " in: ..."
                + all.substring(Math.max(0, at - 200), Math.min(all.length(), at + 80)));
      }
    }
    System.out.println(
        "secrets scan: "
            + paths.size()
            + " credential paths ("
            + String.join(", ", paths)
            + "), "
            + secrets.size()
            + " secrets, "
            + all.length()
            + " characters of output");
    outcomes.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    assertEquals(List.of(), leaks);
    // The scan saw real output: progress lines and the failures' reasons.
    assertTrue(all.contains("blob sha256:"), "progress was logged");
    assertTrue(
        outcomes.values().stream().filter(v -> v.startsWith("SUCCESS")).count() == 6,
        outcomes.toString());
    assertTrue(
        outcomes.values().stream().filter(v -> v.startsWith("FAILED")).count() == 3,
        outcomes.toString());
  }

  private void run(
      Deployments d,
      List<String> outputs,
      Map<String, String> outcomes,
      String path,
      Map<String, String> props)
      throws Exception {
    JsonNode r = d.create(cfn, props);
    outputs.add(r.toString());
    for (ResponseUrlServer.Request req : cfn.requests()) {
      outputs.add(req.pathAndQuery().replace(cfn.url().getRawQuery(), "") + " " + req.bodyText());
    }
    String status = r.path("Status").asText();
    outcomes.put(path, status + (status.equals("FAILED") ? ": " + r.path("Reason").asText() : ""));
    if (!path.startsWith("FAILED")) {
      assertEquals("SUCCESS", status, path + ": " + r);
      assertEquals(image.digest(), r.path("Data").path("ImageDigest").asText(), path);
    } else {
      assertEquals("FAILED", status, path + ": " + r);
    }
  }
}
