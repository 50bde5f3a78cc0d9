package io.github.cdkecrdeployment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.IRole;

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
        && Objects.equals(securityGroups, that.securityGroups);
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
        securityGroups);
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
