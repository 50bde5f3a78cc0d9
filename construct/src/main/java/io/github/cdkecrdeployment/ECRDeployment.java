package io.github.cdkecrdeployment;

import io.github.cdkecrdeployment.internal.HandlerAsset;
import io.github.cdkecrdeployment.internal.Validation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.AddToPrincipalPolicyResult;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SingletonFunction;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.constructs.Construct;

/**
 * Copies a container image into Amazon ECR (or any registry) while a stack deploys.
 *
 * <p>It adds a {@code Custom::CDKECRDeployment} custom resource and a Lambda function (one per
 * stack and memory size, shared by every deployment that uses that size) that copies the {@code
 * src} image to {@code dest} on create and update, and does nothing on delete. The function runs on
 * {@code java21}; its code ships inside this library, so synthesis needs no Docker and no network.
 *
 * <pre>{@code
 * ECRDeployment deployment = ECRDeployment.Builder.create(this, "DeployImage")
 *     .src(new DockerImageName("nginx:latest"))
 *     .dest(new DockerImageName(repository.getRepositoryUri() + ":latest"))
 *     .build();
 * }</pre>
 */
public class ECRDeployment extends Construct {
  /** Identifies the shared handler function; the memory suffix makes one function per size. */
  private static final String SINGLETON_UUID = "bd07c930-edb9-4112-a20f-03f096f53666";

  private static final String RESOURCE_TYPE = "Custom::CDKECRDeployment";
  private static final String HANDLER =
      "io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest";
  private static final String PUBLIC_ECR = "public.ecr.aws";

  /** Upstream's one ECR statement, on {@code *}. */
  private static final List<String> ECR_ACTIONS =
      List.of(
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:GetRepositoryPolicy",
          "ecr:DescribeRepositories",
          "ecr:ListImages",
          "ecr:DescribeImages",
          "ecr:BatchGetImage",
          "ecr:ListTagsForResource",
          "ecr:DescribeImageScanFindings",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage");

  /** What reading an image from any ECR repository needs. */
  private static final List<String> ECR_PULL_ACTIONS =
      List.of(
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage");

  private final SingletonFunction handler;
  private final CustomResource resource;

  /**
   * Defines the deployment.
   *
   * @param scope the parent construct
   * @param id the id of this construct, unique in {@code scope}
   * @param props what to copy and how
   * @throws IllegalArgumentException when the properties do not fit together (e.g. both {@code
   *     imageArch} and {@code copyImageIndex}), {@code memoryLimit} is a token or out of range, or
   *     {@code retryConfigs} holds an unknown key or a value out of range
   */
  public ECRDeployment(final Construct scope, final String id, final ECRDeploymentProps props) {
    super(scope, id);
    int memoryLimit = Validation.memoryLimit(props.getMemoryLimit());
    Validation.selection(props.getImageArch(), props.getCopyImageIndex(), props.getArchImageTags());
    Validation.retryConfigs(props.getRetryConfigs());
    Validation.archImageTags(props.getArchImageTags());
    Validation.additionalTags(props.getAdditionalTags());
    boolean destroy = destroy(props.getRemovalPolicy());

    boolean arm = props.getArchitecture() != null && isArm(props.getArchitecture());
    Map<String, String> environment =
        props.getEnvironment() == null || props.getEnvironment().isEmpty()
            ? null
            : props.getEnvironment();
    boolean jsonLogs = props.getLoggingFormat() == LoggingFormat.JSON;
    this.handler =
        SingletonFunction.Builder.create(this, "CustomResourceHandler")
            .uuid(SINGLETON_UUID + "-" + memoryLimit + "MiB" + optionsSuffix(props, arm, jsonLogs))
            .code(Code.fromAsset(HandlerAsset.path(handlerAssetDir()).toString()))
            .runtime(Runtime.JAVA_21)
            .handler(HANDLER)
            .lambdaPurpose(RESOURCE_TYPE)
            .description(
                "Custom resource handler for copying Docker images between docker registries.")
            .timeout(Duration.minutes(15))
            .role(props.getRole())
            .memorySize(memoryLimit)
            .vpc(props.getVpc())
            .vpcSubnets(props.getVpcSubnets())
            .securityGroups(props.getSecurityGroups())
            // Options left unset keep the function's properties exactly upstream's.
            .architecture(arm ? Architecture.ARM_64 : null)
            .environment(environment)
            .logGroup(props.getLogGroup())
            .loggingFormat(jsonLogs ? LoggingFormat.JSON : null)
            .build();

    if (props.getDest() instanceof EcrImageName) {
      grantLeastPrivilege(props);
    } else {
      addUpstreamStatements(props);
    }
    grantSecretRead(props.getSrc());
    grantSecretRead(props.getDest());
    if (destroy) {
      grantTagDeletion(props.getDest());
    }
    warn(props);

    this.resource =
        CustomResource.Builder.create(this, "CustomResource")
            .serviceToken(handler.getFunctionArn())
            .resourceType(RESOURCE_TYPE)
            .properties(properties(props, destroy))
            .build();
    // A typed repository is created (or its policy set) before anything is copied to or from it.
    for (IImageName side : List.of(props.getSrc(), props.getDest())) {
      if (side instanceof EcrImageName ecr) {
        resource.getNode().addDependency(ecr.getRepository());
      }
    }
  }

  /** Upstream's statements, exactly: wildcard ECR, {@code s3:GetObject} on *, public ECR. */
  private void addUpstreamStatements(final ECRDeploymentProps props) {
    addToPrincipalPolicy(allow(ECR_ACTIONS, "*"));
    addToPrincipalPolicy(allow(List.of("s3:GetObject"), "*"));
    // Public ECR authenticates through ecr-public and STS even to read; pushing also needs the
    // repository actions, which exist only in the aws partition.
    if (props.getDest().getUri().contains(PUBLIC_ECR)) {
      addToPrincipalPolicy(publicEcrAuthStatement());
      addToPrincipalPolicy(
          allow(
              List.of(
                  "ecr-public:BatchCheckLayerAvailability",
                  "ecr-public:InitiateLayerUpload",
                  "ecr-public:UploadLayerPart",
                  "ecr-public:CompleteLayerUpload",
                  "ecr-public:PutImage"),
              Arn.format(
                  ArnComponents.builder()
                      .partition("aws")
                      .service("ecr-public")
                      .region("")
                      .account(Aws.ACCOUNT_ID)
                      .resource("repository")
                      .resourceName("*")
                      .build(),
                  Stack.of(this))));
    } else if (props.getSrc().getUri().contains(PUBLIC_ECR)) {
      addToPrincipalPolicy(publicEcrAuthStatement());
    }
  }

  /**
   * The statements a deployment to a typed ECR repository needs, and nothing more: push on that
   * repository, and what its source needs to be read.
   */
  private void grantLeastPrivilege(final ECRDeploymentProps props) {
    ((EcrImageName) props.getDest()).getRepository().grantPullPush(handler);
    IImageName src = props.getSrc();
    String uri = src.getUri();
    if (src instanceof EcrImageName ecr) {
      ecr.getRepository().grantPull(handler);
    } else if (src instanceof S3ArchiveName s3 && s3.bucket() != null) {
      addToPrincipalPolicy(allow(List.of("s3:GetObject"), s3.bucket().arnForObjects(s3.key())));
      if (s3.bucket().getEncryptionKey() != null) {
        s3.bucket().getEncryptionKey().grantDecrypt(handler);
      }
    } else if (uri.startsWith("s3://")) {
      addToPrincipalPolicy(allow(List.of("s3:GetObject"), "*"));
    } else if (uri.contains(PUBLIC_ECR)) {
      addToPrincipalPolicy(publicEcrAuthStatement());
    } else if (uri.contains(".dkr.ecr.") || Token.isUnresolved(uri)) {
      // Any ECR repository (or a name only known at deploy time, which may be one): pull only.
      addToPrincipalPolicy(allow(ECR_PULL_ACTIONS, "*"));
    }
    // Any other registry is reached with credentials or anonymously: no AWS permission needed.
  }

  private void grantSecretRead(final IImageName side) {
    if (side instanceof DockerImageName docker && docker.secret() != null) {
      docker.secret().grantRead(handler);
    }
  }

  /** {@code ecr:BatchDeleteImage}: on the typed repository, or on * for an ECR-looking name. */
  private void grantTagDeletion(final IImageName dest) {
    if (dest instanceof EcrImageName ecr) {
      ecr.getRepository().grant(handler, "ecr:BatchDeleteImage");
    } else if (dest.getUri().contains(".dkr.ecr.") || Token.isUnresolved(dest.getUri())) {
      addToPrincipalPolicy(allow(List.of("ecr:BatchDeleteImage"), "*"));
    }
    // Another registry's tags are kept on delete (the handler logs which): nothing to grant.
  }

  /** Warnings for choices that work but are likely mistakes. */
  private void warn(final ECRDeploymentProps props) {
    String dest = props.getDest().getUri();
    if (Validation.lacksTagOrDigest(dest)) {
      Annotations.of(this)
          .addWarningV2(
              "cdk-ecr-deployment:destWithoutTag",
              "dest \""
                  + dest
                  + "\" has no tag or digest, so the image is written as \":latest\": add a"
                  + " tag to the name, e.g. \""
                  + dest.substring("docker://".length())
                  + ":1.0\"");
    }
    warnPlainTextCreds("src", props.getSrc());
    warnPlainTextCreds("dest", props.getDest());
  }

  private void warnPlainTextCreds(final String side, final IImageName image) {
    // The message never quotes the credentials: a warning is printed and may be logged.
    if (Validation.isPlainTextCreds(image.getCreds())) {
      Annotations.of(this)
          .addWarningV2(
              "cdk-ecr-deployment:plainTextCreds",
              side
                  + " credentials of \""
                  + image.getUri()
                  + "\" are a plain-text user:password, which the template holds in clear text:"
                  + " store them in a Secrets Manager secret and pass it as an ISecret, new"
                  + " DockerImageName(name, secret)");
    }
  }

  private static boolean destroy(final RemovalPolicy policy) {
    if (policy == null || policy == RemovalPolicy.RETAIN) {
      return false;
    }
    if (policy == RemovalPolicy.DESTROY) {
      return true;
    }
    throw new IllegalArgumentException(
        "removalPolicy must be RETAIN or DESTROY, got "
            + policy
            + ": RETAIN keeps the pushed tags on delete, DESTROY removes them");
  }

  private static boolean isArm(final Architecture architecture) {
    return Architecture.ARM_64.getName().equals(architecture.getName());
  }

  /**
   * The part of the singleton uuid that non-default function options add, so deployments with
   * different options get different functions; empty for the defaults, which keeps upstream's
   * logical ids.
   */
  private String optionsSuffix(
      final ECRDeploymentProps props, final boolean arm, final boolean jsonLogs) {
    StringBuilder suffix = new StringBuilder();
    if (arm) {
      suffix.append("-arm64");
    }
    Map<String, String> env = props.getEnvironment();
    if (env != null && !env.isEmpty()) {
      StringBuilder canonical = new StringBuilder();
      new TreeMap<>(env)
          .forEach(
              (k, v) ->
                  canonical
                      .append(k)
                      .append('=')
                      .append(String.valueOf(Stack.of(this).resolve(v)))
                      .append('\n'));
      suffix.append("-env").append(shortHash(canonical.toString()));
    }
    if (props.getLogGroup() != null) {
      suffix.append("-log").append(shortHash(props.getLogGroup().getNode().getAddr()));
    }
    if (jsonLogs) {
      suffix.append("-json");
    }
    return suffix.toString();
  }

  private static String shortHash(final String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM provides no SHA-256", e);
    }
  }

  /**
   * The custom resource properties, with upstream's keys: optional ones appear only when set, so a
   * stack migrated from the jsii binding sees no change and nothing is copied again. Keys this
   * library adds come last and only when their prop is used.
   */
  private Map<String, Object> properties(final ECRDeploymentProps props, final boolean destroy) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("SrcImage", props.getSrc().getUri());
    putIfSet(p, "SrcCreds", props.getSrc().getCreds());
    p.put("DestImage", props.getDest().getUri());
    putIfSet(p, "DestCreds", props.getDest().getCreds());
    if (props.getImageArch() != null && !props.getImageArch().get(0).isEmpty()) {
      p.put("ImageArch", props.getImageArch().get(0));
    }
    if (Boolean.TRUE.equals(props.getCopyImageIndex())) {
      p.put("CopyImageIndex", true);
    }
    // toJsonString renders like JSON.stringify and also resolves tokens inside the map.
    if (props.getArchImageTags() != null) {
      p.put("ArchImageTags", Stack.of(this).toJsonString(props.getArchImageTags()));
    }
    if (props.getRetryConfigs() != null) {
      p.put("RetryConfigs", Stack.of(this).toJsonString(props.getRetryConfigs()));
    }
    if (props.getAdditionalTags() != null && !props.getAdditionalTags().isEmpty()) {
      p.put("AdditionalTags", Stack.of(this).toJsonString(props.getAdditionalTags()));
    }
    if (destroy) {
      p.put("RemovalPolicy", "destroy");
    }
    return p;
  }

  /** The asset directory of the cloud assembly this construct is synthesized into. */
  private Path handlerAssetDir() {
    Stage stage = Stage.of(this);
    if (stage == null) {
      throw new IllegalStateException(
          "ECRDeployment must be defined inside an App or Stage: create it in a Stack of an App");
    }
    return Path.of(stage.getAssetOutdir());
  }

  private static void putIfSet(final Map<String, Object> p, final String key, final String value) {
    if (value != null) {
      p.put(key, value);
    }
  }

  private static PolicyStatement allow(final List<String> actions, final String resource) {
    return PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(List.of(resource))
        .build();
  }

  private static PolicyStatement publicEcrAuthStatement() {
    return PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .actions(List.of("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"))
        .resources(List.of("*"))
        .build();
  }

  /**
   * Adds a statement to the policy of the handler function's role, e.g. to read a Secrets Manager
   * secret that holds registry credentials, or to decrypt it with a KMS key.
   *
   * @param statement the statement to add
   * @return whether the statement was added (it is not for an immutable imported role)
   */
  public AddToPrincipalPolicyResult addToPrincipalPolicy(final PolicyStatement statement) {
    IRole role = handler.getRole();
    if (role == null) {
      throw new IllegalStateException("lambda.SingletonFunction should have created a Role");
    }
    return role.addToPrincipalPolicy(statement);
  }

  /**
   * The digest of the image at the destination tag after the copy, e.g. {@code sha256:4f…}: the
   * digest of the source image, or of the source index when {@code copyImageIndex} is set. A token
   * that resolves at deploy time ({@code Fn::GetAtt} of the custom resource's {@code ImageDigest}).
   *
   * <p>Calling it adds the property {@code ExposeImageDigest: true} to the custom resource. On a
   * stack migrated from the jsii binding, whose resource was created by a handler that returned no
   * digest, that one property change makes CloudFormation run the handler once more, so the
   * attribute exists; the copy itself is skipped when the tag already has the digest.
   *
   * @return the digest token
   */
  public String getImageDigest() {
    exposeImageDigest();
    return resource.getAttString("ImageDigest");
  }

  /**
   * The destination image pinned by digest, {@code REPOSITORY@sha256:…}, ready for a task
   * definition or a function that must not follow the tag. A token that resolves at deploy time
   * ({@code Fn::GetAtt} of the custom resource's {@code ImageUri}).
   *
   * <p>Like {@link #getImageDigest()}, calling it adds {@code ExposeImageDigest: true} to the
   * custom resource, so a migrated stack runs the handler once and gets the attribute.
   *
   * @return the image URI token
   */
  public String getImageUri() {
    exposeImageDigest();
    return resource.getAttString("ImageUri");
  }

  /**
   * Adds the property that appears only once a digest attribute is used: a resource created by a
   * handler that returned no {@code Data} must be updated once before {@code Fn::GetAtt} can read
   * it, and a property that changes is what makes CloudFormation send that Update.
   */
  private void exposeImageDigest() {
    ((CfnResource) resource.getNode().getDefaultChild())
        .addPropertyOverride("ExposeImageDigest", true);
  }

  /**
   * A fluent builder for {@link ECRDeployment}, with the same methods as {@link
   * ECRDeploymentProps.Builder}.
   */
  public static final class Builder implements software.amazon.jsii.Builder<ECRDeployment> {
    private final Construct scope;
    private final String id;
    private final ECRDeploymentProps.Builder props = ECRDeploymentProps.builder();

    private Builder(final Construct scope, final String id) {
      this.scope = scope;
      this.id = id;
    }

    /**
     * Starts building a deployment.
     *
     * @param scope the parent construct
     * @param id the id of the deployment, unique in {@code scope}
     * @return a new builder
     */
    public static Builder create(final Construct scope, final String id) {
      return new Builder(scope, id);
    }

    /**
     * Sets the image to copy (required).
     *
     * @param src e.g. {@code new DockerImageName("nginx:latest")}
     * @return this builder
     */
    public Builder src(final IImageName src) {
      props.src(src);
      return this;
    }

    /**
     * Sets the image to write (required).
     *
     * @param dest e.g. {@code new DockerImageName(repository.getRepositoryUri() + ":latest")}
     * @return this builder
     */
    public Builder dest(final IImageName dest) {
      props.dest(dest);
      return this;
    }

    /**
     * Sets the architecture to copy from an image index; exactly one element.
     *
     * @param imageArch e.g. {@code List.of("arm64")}; default: {@code amd64}
     * @return this builder
     */
    public Builder imageArch(final List<String> imageArch) {
      props.imageArch(imageArch);
      return this;
    }

    /**
     * Sets whether to copy a whole image index.
     *
     * @param copyImageIndex {@code true} to copy the index and every image it references; default:
     *     {@code false}
     * @return this builder
     */
    public Builder copyImageIndex(final Boolean copyImageIndex) {
      props.copyImageIndex(copyImageIndex);
      return this;
    }

    /**
     * Sets extra tags for the architecture-specific images of a copied index (requires {@code
     * copyImageIndex}).
     *
     * @param archImageTags architecture to tag, e.g. {@code Map.of("arm64", "app-arm64")}; default:
     *     none
     * @return this builder
     */
    public Builder archImageTags(final Map<String, String> archImageTags) {
      props.archImageTags(archImageTags);
      return this;
    }

    /**
     * Sets the retries of the whole copy.
     *
     * @param retryConfigs keys {@code numAttempts}, {@code baseDelay}, {@code maxDelay} (seconds);
     *     default: one attempt
     * @return this builder
     */
    public Builder retryConfigs(final Map<String, ? extends Number> retryConfigs) {
      props.retryConfigs(retryConfigs);
      return this;
    }

    /**
     * Sets the memory of the copying Lambda function, in MiB (not a token).
     *
     * @param memoryLimit 128 to 10240; default: 512
     * @return this builder
     */
    public Builder memoryLimit(final Number memoryLimit) {
      props.memoryLimit(memoryLimit);
      return this;
    }

    /**
     * Sets the execution role of the copying Lambda function.
     *
     * @param role the role; default: a role is created
     * @return this builder
     */
    public Builder role(final IRole role) {
      props.role(role);
      return this;
    }

    /**
     * Sets the VPC to run the copying Lambda function in.
     *
     * @param vpc the VPC; default: not in a VPC
     * @return this builder
     */
    public Builder vpc(final IVpc vpc) {
      props.vpc(vpc);
      return this;
    }

    /**
     * Sets where in the VPC to place the copying Lambda function.
     *
     * @param vpcSubnets the subnets; default: the VPC's default subnet strategy
     * @return this builder
     */
    public Builder vpcSubnets(final SubnetSelection vpcSubnets) {
      props.vpcSubnets(vpcSubnets);
      return this;
    }

    /**
     * Sets the security groups of the copying Lambda function.
     *
     * @param securityGroups any {@link ISecurityGroup}s, created or imported; default: a dedicated
     *     security group when in a VPC
     * @return this builder
     */
    public Builder securityGroups(final List<? extends ISecurityGroup> securityGroups) {
      props.securityGroups(securityGroups);
      return this;
    }

    /**
     * Sets more tags to write at the destination, all pointing at the copied digest.
     *
     * @param additionalTags e.g. {@code List.of("1.2.3", "stable")}; default: none
     * @return this builder
     */
    public Builder additionalTags(final List<String> additionalTags) {
      props.additionalTags(additionalTags);
      return this;
    }

    /**
     * Sets the instruction set of the copying Lambda function.
     *
     * @param architecture {@code X86_64} or {@code ARM_64}; default: {@code X86_64}
     * @return this builder
     */
    public Builder architecture(final Architecture architecture) {
      props.architecture(architecture);
      return this;
    }

    /**
     * Sets environment variables of the copying Lambda function.
     *
     * @param environment e.g. {@code Map.of("HTTPS_PROXY", "http://proxy:3128")}; default: none
     * @return this builder
     */
    public Builder environment(final Map<String, String> environment) {
      props.environment(environment);
      return this;
    }

    /**
     * Sets the log group of the copying Lambda function.
     *
     * @param logGroup e.g. a {@code LogGroup} with a retention; default: Lambda's own group
     * @return this builder
     */
    public Builder logGroup(final ILogGroup logGroup) {
      props.logGroup(logGroup);
      return this;
    }

    /**
     * Sets the format of the copying Lambda function's logs.
     *
     * @param loggingFormat {@code TEXT} or {@code JSON}; default: {@code TEXT}
     * @return this builder
     */
    public Builder loggingFormat(final LoggingFormat loggingFormat) {
      props.loggingFormat(loggingFormat);
      return this;
    }

    /**
     * Sets what deleting the custom resource does to the tags it pushed.
     *
     * @param removalPolicy {@code RETAIN} or {@code DESTROY}; default: {@code RETAIN}
     * @return this builder
     */
    public Builder removalPolicy(final RemovalPolicy removalPolicy) {
      props.removalPolicy(removalPolicy);
      return this;
    }

    /**
     * Builds the deployment.
     *
     * @return the new construct
     * @throws NullPointerException when {@code src} or {@code dest} is missing
     * @throws IllegalArgumentException as {@link ECRDeployment#ECRDeployment(Construct, String,
     *     ECRDeploymentProps)} does
     */
    @Override
    public ECRDeployment build() {
      return new ECRDeployment(scope, id, props.build());
    }
  }
}
