package io.github.cdkecrdeployment.integ.e2e;

import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.RegistryServer;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.integ.WorkDirs;
import io.github.cdkecrdeployment.integ.cfn.CustomResourceSpec;
import io.github.cdkecrdeployment.integ.cfn.LocalCloud;
import io.github.cdkecrdeployment.integ.cfn.SynthesizedStack;
import io.github.cdkecrdeployment.integ.lambda.LambdaFunctionSpec;
import io.github.cdkecrdeployment.integ.lambda.LambdaRuntimeProcess;
import io.github.cdkecrdeployment.integ.lambda.LambdaService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/**
 * One synthesized stack "deployed" locally: its account's ECR registry ({@link
 * LocalCloud#ECR_HOST}, a TLS {@code docker-registry} with basic auth whose password the ECR API
 * stub hands out as the authorization token), the AWS API stub (ECR, Secrets Manager), the
 * CloudFormation response URL server, and the stack's handler function running in a Lambda runtime.
 * Start it once per test class.
 */
public final class LocalDeployment implements AutoCloseable {

  /** The custom resource type of the construct. */
  public static final String RESOURCE_TYPE = "Custom::CDKECRDeployment";

  /** The Amazon ECR Public registry, where most examples take their source image from. */
  public static final String PUBLIC_ECR = "public.ecr.aws";

  private final Path work;
  private final SynthesizedStack stack;
  private final RegistryServer ecr;
  private final AwsApiStub aws;
  private final ResponseUrlServer responses;
  private final LambdaService lambda;
  private final Map<String, String> uriRewrites;

  private LocalDeployment(
      Path work,
      SynthesizedStack stack,
      RegistryServer ecr,
      AwsApiStub aws,
      ResponseUrlServer responses,
      LambdaService lambda,
      Map<String, String> uriRewrites) {
    this.work = work;
    this.stack = stack;
    this.ecr = ecr;
    this.aws = aws;
    this.responses = responses;
    this.lambda = lambda;
    this.uriRewrites = uriRewrites;
  }

  /** What a test adds to a deployment before its function starts. */
  public static final class Options {
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> uriRewrites = new LinkedHashMap<>();
    private final List<String> hosts = new ArrayList<>();

    private Options() {}

    /** Adds a variable to the function's environment (e.g. {@code AWS_ENDPOINT_URL_S3}). */
    public Options environment(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /**
     * Replaces {@code from} by {@code to} in every image URI of the stack, e.g. a public source
     * ({@code docker://nginx:1.27}) by a local registry serving the same repository.
     */
    public Options rewrite(String from, String to) {
      uriRewrites.put(from, to);
      return this;
    }

    /**
     * Points the stack's {@code public.ecr.aws} images at {@code host}, a local registry serving
     * the same repositories.
     */
    public Options publicEcrAt(String host) {
      return rewrite("docker://" + PUBLIC_ECR + "/", "docker://" + host + "/");
    }

    /** Resolves {@code host} to 127.0.0.1 in the function's JVM (the test CA covers it). */
    public Options resolveToLoopback(String host) {
      hosts.add(host);
      return this;
    }
  }

  /**
   * Synthesizes the stack {@code factory} defines, starts the local services and the function.
   *
   * @param options extra environment, URI rewrites, loopback host names
   */
  public static LocalDeployment start(
      Class<?> owner,
      Function<App, ? extends Stack> factory,
      java.util.function.Consumer<Options> options)
      throws IOException {
    Options o = new Options();
    options.accept(o);
    Path work = WorkDirs.create(owner);
    SynthesizedStack stack = SynthesizedStack.synth(work.resolve("cdk.out"), factory);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      RegistryServer ecr = RegistryServer.start(RegistryServer.Options.basic());
      started.add(ecr);
      AwsApiStub aws = new AwsApiStub();
      aws.start();
      started.add(aws::stop);
      aws.ecrToken(RegistryServer.USER + ":" + RegistryServer.PASSWORD);
      ResponseUrlServer responses = new ResponseUrlServer();
      responses.start();
      started.add(responses::stop);

      List<String> loopback = new ArrayList<>(o.hosts);
      loopback.add(LocalCloud.ECR_HOST);
      Path hosts = work.resolve("hosts");
      Files.writeString(hosts, "127.0.0.1 localhost " + String.join(" ", loopback) + "\n");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AWS_ENDPOINT_URL_ECR", aws.endpoint().toString());
      env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.endpoint().toString());
      // In AWS the runtime trusts public CAs and DNS resolves the registries; here JVM options do
      // both (test CA trust store, hosts file), set as a user sets JVM options on a function.
      List<String> jvm = new ArrayList<>(TestCa.shared().trustStoreJvmArgs());
      jvm.add("-Djdk.net.hosts.file=" + hosts);
      env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvm));
      env.putAll(o.environment);

      List<CustomResourceSpec> resources = stack.customResources(RESOURCE_TYPE);
      if (resources.isEmpty()) {
        throw new IllegalStateException("no " + RESOURCE_TYPE + " in " + stack.templateFile());
      }
      String fnId = resources.get(0).functionLogicalId();
      LambdaFunctionSpec fn = stack.function(fnId);
      LambdaService lambda =
          LambdaService.start(
              fn,
              new LambdaRuntimeProcess.Identity(
                  LocalCloud.ACCOUNT, LocalCloud.REGION, stack.cloud().ref(fnId)),
              work.resolve("lambda"),
              env);
      Map<String, String> rewrites = new LinkedHashMap<>(o.uriRewrites);
      // The account's ECR registry runs on an ephemeral port.
      rewrites.put(
          "docker://" + LocalCloud.ECR_HOST + "/",
          "docker://" + LocalCloud.ECR_HOST + ":" + ecr.port() + "/");
      return new LocalDeployment(work, stack, ecr, aws, responses, lambda, rewrites);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : started) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The CloudFormation response URL server (e.g. to make it fail). */
  public ResponseUrlServer responses() {
    return responses;
  }

  /** The synthesized stack. */
  public SynthesizedStack stack() {
    return stack;
  }

  /** The test's work directory. */
  public Path work() {
    return work;
  }

  /** The account's ECR registry. */
  public RegistryServer ecr() {
    return ecr;
  }

  /** The AWS API stub (ECR tokens, secrets). */
  public AwsApiStub aws() {
    return aws;
  }

  /** The function's Lambda service. */
  public LambdaService lambda() {
    return lambda;
  }

  /** The function's whole output so far. */
  public String output() {
    return lambda.output();
  }

  /** The stack's ECR deployments, in template order. */
  public List<CustomResourceSpec> deployments() {
    return stack.customResources(RESOURCE_TYPE);
  }

  /** The only ECR deployment of the stack. */
  public CustomResourceSpec deployment() {
    List<CustomResourceSpec> all = deployments();
    if (all.size() != 1) {
      throw new IllegalStateException("expected one deployment, found " + all.size());
    }
    return all.get(0);
  }

  /**
   * The properties CloudFormation would send for {@code resource}: tokens resolved, then the image
   * URIs pointed at the local registries.
   */
  public Map<String, String> properties(CustomResourceSpec resource) {
    Map<String, String> props = resource.resolve(stack.cloud().intrinsics());
    for (String key : List.of("SrcImage", "DestImage")) {
      String v = props.get(key);
      if (v != null) {
        for (Map.Entry<String, String> r : uriRewrites.entrySet()) {
          if (v.startsWith(r.getKey())) {
            v = r.getValue() + v.substring(r.getKey().length());
          }
        }
        props.put(key, v);
      }
    }
    return props;
  }

  /**
   * {@code repo:tag} of a {@code docker://} destination in the local ECR registry (what skopeo
   * reads with {@link #ecr()}).
   */
  public static String repositoryAndTag(String dockerUri) {
    String prefix = "docker://" + LocalCloud.ECR_HOST;
    if (!dockerUri.startsWith(prefix)) {
      throw new IllegalArgumentException(dockerUri + " is not in the account's ECR registry");
    }
    String rest = dockerUri.substring(prefix.length());
    return rest.substring(rest.indexOf('/') + 1);
  }

  /** {@code repo:tag} of an image of {@link #PUBLIC_ECR}, e.g. an example's source. */
  public static String publicEcrPath(String image) {
    if (!image.startsWith(PUBLIC_ECR + "/")) {
      throw new IllegalArgumentException(image + " is not in " + PUBLIC_ECR);
    }
    return image.substring(PUBLIC_ECR.length() + 1);
  }

  /** The same properties with {@code DestImage}'s tag replaced. */
  public static Map<String, String> withDestinationTag(Map<String, String> props, String tag) {
    Map<String, String> out = new LinkedHashMap<>(props);
    String dest = props.get("DestImage");
    int slash = dest.lastIndexOf('/');
    int colon = dest.indexOf(':', slash);
    out.put("DestImage", (colon < 0 ? dest : dest.substring(0, colon)) + ":" + tag);
    return out;
  }

  /** A driver for {@code resource}, answering through the response URL server. */
  public CustomResourceDriver driver(CustomResourceSpec resource) {
    return new CustomResourceDriver(stack, resource, lambda, new ResponseSink(responses));
  }

  /**
   * Closes {@code resources} in order (a deployment first, then the servers it used), skipping
   * those never started (null); for a test class's {@code @AfterAll}.
   */
  public static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Create, Update to {@code updateTag}, Delete of {@code resource}, asserted step by step; see
   * {@link Lifecycle#run}.
   */
  public Lifecycle createUpdateDelete(
      CustomResourceSpec resource,
      Map<String, String> properties,
      String updateTag,
      String expectedDigest)
      throws IOException, InterruptedException {
    return Lifecycle.run(this, resource, properties, updateTag, expectedDigest);
  }

  @Override
  public void close() {
    try {
      lambda.close();
    } finally {
      responses.stop();
      aws.stop();
      ecr.close();
    }
  }
}
