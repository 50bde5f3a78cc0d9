package io.github.cdkecrdeployment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.logs.ILogGroup;

/**
 * Properties of an {@link ECRDeployment}: what to copy, where to, and how the copying Lambda
 * function runs. Immutable; create with {@link #builder()}.
 *
 * <p>Getters return what was set, or {@code null} when a property was not set; the default that
 * then applies is stated on each getter.
 */
public final class ECRDeploymentProps {
  private final IImageName src;
  private final IImageName dest;
  private final List<String> imageArch;
  private final Boolean copyImageIndex;
  private final Map<String, String> archImageTags;
  private final Map<String, Number> retryConfigs;
  private final Number memoryLimit;
  private final IRole role;
  private final IVpc vpc;
  private final SubnetSelection vpcSubnets;
  private final List<ISecurityGroup> securityGroups;
  private final List<String> additionalTags;
  private final Architecture architecture;
  private final Map<String, String> environment;
  private final ILogGroup logGroup;
  private final LoggingFormat loggingFormat;
  private final RemovalPolicy removalPolicy;

  private ECRDeploymentProps(final Builder b) {
    this.src =
        Objects.requireNonNull(
            b.src,
            "src is required: pass the image to copy, e.g. new DockerImageName(\"nginx:latest\")");
    this.dest =
        Objects.requireNonNull(
            b.dest,
            "dest is required: pass the destination image, e.g. new DockerImageName(repository.getRepositoryUri() + \":latest\")");
    this.imageArch = copyList("imageArch", b.imageArch);
    this.copyImageIndex = b.copyImageIndex;
    this.archImageTags = copyMap("archImageTags", b.archImageTags);
    this.retryConfigs = copyMap("retryConfigs", b.retryConfigs);
    this.memoryLimit = b.memoryLimit;
    this.role = b.role;
    this.vpc = b.vpc;
    this.vpcSubnets = b.vpcSubnets;
    this.securityGroups = copyList("securityGroups", b.securityGroups);
    this.additionalTags = copyList("additionalTags", b.additionalTags);
    this.architecture = b.architecture;
    this.environment = copyMap("environment", b.environment);
    this.logGroup = b.logGroup;
    this.loggingFormat = b.loggingFormat;
    this.removalPolicy = b.removalPolicy;
  }

  /**
   * Starts building properties.
   *
   * @return a new builder with nothing set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The image to copy.
   *
   * @return the source image; required, never {@code null}
   */
  public IImageName getSrc() {
    return src;
  }

  /**
   * The image to write, usually in Amazon ECR.
   *
   * @return the destination image; required, never {@code null}
   */
  public IImageName getDest() {
    return dest;
  }

  /**
   * The architecture to copy when the source is an image index (multi-architecture image), e.g.
   * {@code List.of("arm64")}; it must hold exactly one element.
   *
   * @return the architecture list, or {@code null} when not set (default: {@code amd64} is copied
   *     from an index; a single-architecture source is copied as it is)
   */
  public List<String> getImageArch() {
    return imageArch;
  }

  /**
   * Whether to copy a source image index with every image it references, so the destination tag
   * points at the same index digest as the source. Cannot be combined with {@link #getImageArch()}.
   *
   * @return the flag, or {@code null} when not set (default: {@code false})
   */
  public Boolean getCopyImageIndex() {
    return copyImageIndex;
  }

  /**
   * Extra tags for the architecture-specific images of a copied index, mapping an architecture to a
   * tag, e.g. {@code {"arm64": "app-arm64", "amd64": "app-amd64"}}. Only allowed when {@link
   * #getCopyImageIndex()} is {@code true}.
   *
   * <p>The keys are written to the template in the order of a {@code LinkedHashMap} or {@code
   * SortedMap}, and sorted for any other map (such as {@code Map.of}, whose order changes from one
   * JVM run to the next), so every synth gives the same template.
   *
   * @return the architecture-to-tag map, or {@code null} when not set (default: no extra tags)
   */
  public Map<String, String> getArchImageTags() {
    return archImageTags;
  }

  /**
   * Retries of the whole copy: {@code numAttempts} (a whole number, at least 1), {@code baseDelay}
   * and {@code maxDelay} (seconds, greater than 0, {@code baseDelay <= maxDelay}), e.g. {@code
   * {"numAttempts": 3, "baseDelay": 1, "maxDelay": 5}}. Other keys are rejected at synth time. Keys
   * are written in a stable order, as for {@link #getArchImageTags()}.
   *
   * @return the retry settings, or {@code null} when not set (default: one attempt; each registry
   *     request is still retried on transient errors)
   */
  public Map<String, Number> getRetryConfigs() {
    return retryConfigs;
  }

  /**
   * The memory of the copying Lambda function, in MiB. All deployments of a stack with the same
   * memory share one function; it cannot be a token, since it names that function.
   *
   * @return the memory in MiB, or {@code null} when not set (default: 512)
   */
  public Number getMemoryLimit() {
    return memoryLimit;
  }

  /**
   * The execution role of the copying Lambda function. The permissions the copy needs are added to
   * it (for an imported role, only if it is mutable).
   *
   * @return the role, or {@code null} when not set (default: a role is created)
   */
  public IRole getRole() {
    return role;
  }

  /**
   * The VPC to run the copying Lambda function in. It needs a route to the registries (NAT gateway
   * or VPC endpoints for ECR, S3 and Secrets Manager).
   *
   * @return the VPC, or {@code null} when not set (default: not in a VPC)
   */
  public IVpc getVpc() {
    return vpc;
  }

  /**
   * Where in the VPC to place the copying Lambda function; only used with {@link #getVpc()}.
   *
   * @return the subnet selection, or {@code null} when not set (default: the VPC's default subnet
   *     strategy)
   */
  public SubnetSelection getVpcSubnets() {
    return vpcSubnets;
  }

  /**
   * The security groups of the copying Lambda function's network interfaces; only used with {@link
   * #getVpc()}.
   *
   * @return the security groups, or {@code null} when not set (default: a dedicated security group
   *     is created when the function is in a VPC)
   */
  public List<ISecurityGroup> getSecurityGroups() {
    return securityGroups;
  }

  /**
   * More tags to write at the destination, besides the tag of {@link #getDest()}: one copy, and at
   * the end every tag points at the same digest. Tags already at that digest are not pushed again.
   * Sent as the property {@code AdditionalTags} (a JSON array), only when set.
   *
   * @return the tags, or {@code null} when not set (default: only the tag of {@code dest})
   */
  public List<String> getAdditionalTags() {
    return additionalTags;
  }

  /**
   * The instruction set of the copying Lambda function. The handler jar is architecture-neutral, so
   * {@code ARM_64} (cheaper per second) works as well.
   *
   * @return the architecture, or {@code null} when not set (default: {@code X86_64})
   */
  public Architecture getArchitecture() {
    return architecture;
  }

  /**
   * Environment variables of the copying Lambda function, e.g. {@code HTTPS_PROXY} and {@code
   * NO_PROXY}, which the handler honours for registry and AWS traffic, or {@code LOG_LEVEL}.
   *
   * @return the variables, or {@code null} when not set (default: none)
   */
  public Map<String, String> getEnvironment() {
    return environment;
  }

  /**
   * The log group of the copying Lambda function, e.g. to set the retention of its logs.
   *
   * @return the log group, or {@code null} when not set (default: Lambda's {@code
   *     /aws/lambda/<function>} group, kept forever)
   */
  public ILogGroup getLogGroup() {
    return logGroup;
  }

  /**
   * The format of the copying Lambda function's logs.
   *
   * @return the format, or {@code null} when not set (default: {@code TEXT})
   */
  public LoggingFormat getLoggingFormat() {
    return loggingFormat;
  }

  /**
   * What deleting the custom resource does to the tags it pushed. {@code RETAIN} keeps them (as
   * upstream does). {@code DESTROY} sends {@code RemovalPolicy: "destroy"}, grants {@code
   * ecr:BatchDeleteImage} (on the repository of an {@link EcrImageName} dest, else on {@code *}),
   * and on Delete removes exactly the tags this resource pushed (dest tag, additional tags, arch
   * tags), never other tags; a registry that cannot delete a single tag keeps them, with a log line
   * saying so. A failed cleanup never blocks the stack's deletion.
   *
   * @return the policy, or {@code null} when not set (default: {@code RETAIN})
   */
  public RemovalPolicy getRemovalPolicy() {
    return removalPolicy;
  }

  @Override
  public boolean equals(final Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ECRDeploymentProps)) {
      return false;
    }
    ECRDeploymentProps that = (ECRDeploymentProps) o;
    return src.equals(that.src)
        && dest.equals(that.dest)
        && Objects.equals(imageArch, that.imageArch)
        && Objects.equals(copyImageIndex, that.copyImageIndex)
        && Objects.equals(archImageTags, that.archImageTags)
        && Objects.equals(retryConfigs, that.retryConfigs)
        && Objects.equals(memoryLimit, that.memoryLimit)
        && Objects.equals(role, that.role)
        && Objects.equals(vpc, that.vpc)
        && Objects.equals(vpcSubnets, that.vpcSubnets)
        && Objects.equals(securityGroups, that.securityGroups)
        && Objects.equals(additionalTags, that.additionalTags)
        && Objects.equals(architecture, that.architecture)
        && Objects.equals(environment, that.environment)
        && Objects.equals(logGroup, that.logGroup)
        && Objects.equals(loggingFormat, that.loggingFormat)
        && Objects.equals(removalPolicy, that.removalPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        src,
        dest,
        imageArch,
        copyImageIndex,
        archImageTags,
        retryConfigs,
        memoryLimit,
        role,
        vpc,
        vpcSubnets,
        securityGroups,
        additionalTags,
        architecture,
        environment,
        logGroup,
        loggingFormat,
        removalPolicy);
  }

  private static <T> List<T> copyList(final String prop, final List<? extends T> list) {
    if (list == null) {
      return null;
    }
    for (T item : list) {
      Objects.requireNonNull(item, () -> prop + " must not contain null: remove the null element");
    }
    return Collections.unmodifiableList(new ArrayList<>(list));
  }

  private static <V> Map<String, V> copyMap(final String prop, final Map<String, ? extends V> map) {
    if (map == null) {
      return null;
    }
    // The iteration order of the copy is the key order of the JSON sent to the handler, and a
    // changed order is a changed property (CloudFormation updates the resource and copies again).
    // A LinkedHashMap or SortedMap has an order its caller chose, stable from run to run: keep it,
    // as upstream's JSON.stringify keeps an object's order. Any other map (Map.of, HashMap) has no
    // stable order (Map.of's changes with every JVM run): sort its keys.
    boolean ordered = map instanceof LinkedHashMap || map instanceof SortedMap;
    Map<String, V> copy = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(map.size());
    map.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, () -> prop + " must not contain a null key: remove it");
          Objects.requireNonNull(
              v, () -> prop + " must not map \"" + k + "\" to null: give it a value or remove it");
          keys.add(k);
        });
    if (!ordered) {
      Collections.sort(keys);
    }
    for (String k : keys) {
      copy.put(k, map.get(k));
    }
    return Collections.unmodifiableMap(copy);
  }

  /** A builder for {@link ECRDeploymentProps}. {@code src} and {@code dest} are required. */
  public static final class Builder implements software.amazon.jsii.Builder<ECRDeploymentProps> {
    private IImageName src;
    private IImageName dest;
    private List<String> imageArch;
    private Boolean copyImageIndex;
    private Map<String, String> archImageTags;
    private Map<String, ? extends Number> retryConfigs;
    private Number memoryLimit;
    private IRole role;
    private IVpc vpc;
    private SubnetSelection vpcSubnets;
    private List<? extends ISecurityGroup> securityGroups;
    private List<String> additionalTags;
    private Architecture architecture;
    private Map<String, String> environment;
    private ILogGroup logGroup;
    private LoggingFormat loggingFormat;
    private RemovalPolicy removalPolicy;

    private Builder() {}

    /**
     * Sets the image to copy (required).
     *
     * @param src e.g. {@code new DockerImageName("nginx:latest")}
     * @return this builder
     */
    public Builder src(final IImageName src) {
      this.src = src;
      return this;
    }

    /**
     * Sets the image to write (required).
     *
     * @param dest e.g. {@code new DockerImageName(repository.getRepositoryUri() + ":latest")}
     * @return this builder
     */
    public Builder dest(final IImageName dest) {
      this.dest = dest;
      return this;
    }

    /**
     * Sets the architecture to copy from an image index; exactly one element.
     *
     * @param imageArch e.g. {@code List.of("arm64")}; default: {@code amd64}
     * @return this builder
     */
    public Builder imageArch(final List<String> imageArch) {
      this.imageArch = imageArch;
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
      this.copyImageIndex = copyImageIndex;
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
      this.archImageTags = archImageTags;
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
      this.retryConfigs = retryConfigs;
      return this;
    }

    /**
     * Sets the memory of the copying Lambda function, in MiB (not a token).
     *
     * @param memoryLimit 128 to 10240; default: 512
     * @return this builder
     */
    public Builder memoryLimit(final Number memoryLimit) {
      this.memoryLimit = memoryLimit;
      return this;
    }

    /**
     * Sets the execution role of the copying Lambda function.
     *
     * @param role the role; default: a role is created
     * @return this builder
     */
    public Builder role(final IRole role) {
      this.role = role;
      return this;
    }

    /**
     * Sets the VPC to run the copying Lambda function in.
     *
     * @param vpc the VPC; default: not in a VPC
     * @return this builder
     */
    public Builder vpc(final IVpc vpc) {
      this.vpc = vpc;
      return this;
    }

    /**
     * Sets where in the VPC to place the copying Lambda function.
     *
     * @param vpcSubnets the subnets; default: the VPC's default subnet strategy
     * @return this builder
     */
    public Builder vpcSubnets(final SubnetSelection vpcSubnets) {
      this.vpcSubnets = vpcSubnets;
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
      this.securityGroups = securityGroups;
      return this;
    }

    /**
     * Sets more tags to write at the destination, all pointing at the copied digest.
     *
     * @param additionalTags e.g. {@code List.of("1.2.3", "stable")}; default: none
     * @return this builder
     */
    public Builder additionalTags(final List<String> additionalTags) {
      this.additionalTags = additionalTags;
      return this;
    }

    /**
     * Sets the instruction set of the copying Lambda function.
     *
     * @param architecture {@code X86_64} or {@code ARM_64}; default: {@code X86_64}
     * @return this builder
     */
    public Builder architecture(final Architecture architecture) {
      this.architecture = architecture;
      return this;
    }

    /**
     * Sets environment variables of the copying Lambda function.
     *
     * @param environment e.g. {@code Map.of("HTTPS_PROXY", "http://proxy:3128")}; default: none
     * @return this builder
     */
    public Builder environment(final Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /**
     * Sets the log group of the copying Lambda function.
     *
     * @param logGroup e.g. a {@code LogGroup} with a retention; default: Lambda's own group
     * @return this builder
     */
    public Builder logGroup(final ILogGroup logGroup) {
      this.logGroup = logGroup;
      return this;
    }

    /**
     * Sets the format of the copying Lambda function's logs.
     *
     * @param loggingFormat {@code TEXT} or {@code JSON}; default: {@code TEXT}
     * @return this builder
     */
    public Builder loggingFormat(final LoggingFormat loggingFormat) {
      this.loggingFormat = loggingFormat;
      return this;
    }

    /**
     * Sets what deleting the custom resource does to the tags it pushed.
     *
     * @param removalPolicy {@code RETAIN} or {@code DESTROY}; default: {@code RETAIN}
     * @return this builder
     */
    public Builder removalPolicy(final RemovalPolicy removalPolicy) {
      this.removalPolicy = removalPolicy;
      return this;
    }

    /**
     * Builds the immutable properties.
     *
     * @return the properties
     * @throws NullPointerException when {@code src} or {@code dest} is missing, or a list or map
     *     holds a null
     */
    @Override
    public ECRDeploymentProps build() {
      return new ECRDeploymentProps(this);
    }
  }
}
