package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.integ.lambda.LambdaFunctionSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * A stack synthesized in-process by the real CDK (an {@link App} writing a cloud assembly to a
 * directory), read back from its template and asset manifest as CloudFormation and {@code cdk
 * deploy} would read them.
 */
public final class SynthesizedStack {

  private final Path outdir;
  private final String stackName;
  private final JsonNode template;
  private final AssetManifest assets;
  private final LocalCloud cloud;
  private final Path templateFile;

  private SynthesizedStack(
      Path outdir, String stackName, Path templateFile, JsonNode template, AssetManifest assets) {
    this.outdir = outdir;
    this.templateFile = templateFile;
    this.stackName = stackName;
    this.template = template;
    this.assets = assets;
    this.cloud = new LocalCloud(stackName, template);
  }

  /**
   * Creates an {@link App} writing to {@code outdir}, lets {@code factory} add the stack to it,
   * synthesizes, and reads that stack back.
   */
  public static SynthesizedStack synth(Path outdir, Function<App, ? extends Stack> factory)
      throws IOException {
    App app = App.Builder.create().outdir(outdir.toString()).build();
    Stack stack = factory.apply(app);
    CloudAssembly assembly = app.synth();
    CloudFormationStackArtifact artifact = assembly.getStackByName(stack.getStackName());
    return read(
        outdir,
        artifact.getStackName(),
        Path.of(artifact.getTemplateFullPath()),
        stack.getArtifactId());
  }

  /** Reads a stack from an already synthesized cloud assembly (e.g. {@code cdk.out}). */
  public static SynthesizedStack read(
      Path outdir, String stackName, Path templateFile, String artifactId) throws IOException {
    JsonNode template = new ObjectMapper().readTree(templateFile.toFile());
    AssetManifest assets = AssetManifest.read(outdir.resolve(artifactId + ".assets.json"));
    return new SynthesizedStack(outdir, stackName, templateFile, template, assets);
  }

  /** The cloud assembly directory. */
  public Path outdir() {
    return outdir;
  }

  /** The stack name. */
  public String stackName() {
    return stackName;
  }

  /** The template file in the cloud assembly. */
  public Path templateFile() {
    return templateFile;
  }

  /** The CloudFormation template. */
  public JsonNode template() {
    return template;
  }

  /** The assets {@code cdk deploy} would publish. */
  public AssetManifest assets() {
    return assets;
  }

  /** Names and attributes of the stack's resources in the emulated account; adjustable per test. */
  public LocalCloud cloud() {
    return cloud;
  }

  /** The resources of {@code type}, by logical id, in template order. */
  public Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    template
        .path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().path("Type").asText().equals(type)) {
                out.put(e.getKey(), e.getValue());
              }
            });
    return out;
  }

  /** The custom resources of {@code type}, with the function each one's ServiceToken points to. */
  public List<CustomResourceSpec> customResources(String type) {
    List<CustomResourceSpec> out = new ArrayList<>();
    resources(type)
        .forEach(
            (id, r) -> {
              JsonNode props = r.path("Properties");
              JsonNode token = props.path("ServiceToken").path("Fn::GetAtt");
              if (!token.isArray() || !token.get(1).asText().equals("Arn")) {
                throw new IllegalArgumentException(
                    "custom resource "
                        + id
                        + " has a ServiceToken that is not a function's Arn: "
                        + props.path("ServiceToken"));
              }
              out.add(new CustomResourceSpec(id, type, token.get(0).asText(), props));
            });
    return out;
  }

  /**
   * The {@code AWS::Lambda::Function} {@code logicalId} as the runtime sees it: Handler, Runtime,
   * MemorySize, Timeout, Environment, and its code asset from the cloud assembly.
   */
  public LambdaFunctionSpec function(String logicalId) {
    JsonNode fn = template.path("Resources").get(logicalId);
    if (fn == null || !fn.path("Type").asText().equals("AWS::Lambda::Function")) {
      throw new IllegalArgumentException(
          logicalId + " is not an AWS::Lambda::Function of " + stackName);
    }
    JsonNode props = fn.path("Properties");
    Intrinsics intrinsics = cloud.intrinsics();
    Map<String, String> env = new LinkedHashMap<>();
    props
        .path("Environment")
        .path("Variables")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), intrinsics.resolve(e.getValue())));
    return new LambdaFunctionSpec(
        logicalId,
        props.path("Handler").asText(),
        props.path("Runtime").asText(),
        props.path("MemorySize").asInt(128),
        Duration.ofSeconds(props.path("Timeout").asInt(3)),
        env,
        codeAsset(logicalId, fn));
  }

  private Path codeAsset(String logicalId, JsonNode fn) {
    JsonNode code = fn.path("Properties").path("Code");
    JsonNode key = code.path("S3Key");
    if (key.isTextual()) {
      AssetManifest.FileAsset asset = assets.fileByObjectKey(key.textValue());
      return asset.source();
    }
    // Without a synthesizer manifest entry, CDK's asset metadata still names the staged path.
    JsonNode path = fn.path("Metadata").path("aws:asset:path");
    if (path.isTextual()) {
      return outdir.resolve(path.textValue());
    }
    throw new IllegalArgumentException(
        "function " + logicalId + " has no code asset in the cloud assembly: Code = " + code);
  }
}
