package io.github.cdkecrdeployment.handler.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.auth.EcrHost;
import io.github.cdkecrdeployment.handler.cfn.DeploymentProperties;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;

/**
 * The opt-in cleanup of a Delete ({@code RemovalPolicy: "destroy"}): removes exactly the tags this
 * resource pushed (the destination tag, {@code AdditionalTags}, the {@code ArchImageTags} values),
 * never other tags.
 *
 * <p>An ECR destination untags through the ECR API's {@code BatchDeleteImage} by tag (an image left
 * without tags is removed by ECR). The registry API has no call that removes a single tag (only a
 * manifest, with all its tags), so another registry keeps its tags, with a log line saying which. A
 * cleanup that fails is logged and never fails the Delete: a stack must always be deletable.
 */
public final class TagCleanup {
  private final Log log;
  private final Function<String, EcrClient> ecrClients;

  /**
   * A cleanup with ECR clients from the Lambda's AWS settings (region from the registry host,
   * endpoint override from {@code AWS_ENDPOINT_URL_ECR} or the settings).
   *
   * @param aws the AWS settings
   * @param log the log
   */
  public TagCleanup(AwsSettings aws, Log log) {
    this(
        log,
        region -> {
          var b =
              EcrClient.builder()
                  .httpClient(UrlConnectionHttpClient.create())
                  .credentialsProvider(aws.credentials())
                  .region(Region.of(region));
          if (aws.ecrEndpoint() != null) {
            b.endpointOverride(aws.ecrEndpoint());
          }
          return b.build();
        });
  }

  TagCleanup(Log log, Function<String, EcrClient> ecrClients) {
    this.log = log;
    this.ecrClients = ecrClients;
  }

  /**
   * Runs the cleanup a Delete event asks for; never throws.
   *
   * @param properties the event's {@code ResourceProperties}
   */
  public void onDelete(JsonNode properties) {
    if (properties == null
        || !properties.path("RemovalPolicy").asText("").equalsIgnoreCase("destroy")) {
      log.info("delete: nothing to do, the image stays in the destination repository");
      return;
    }
    DeploymentProperties props;
    try {
      props = DeploymentProperties.parse(properties);
    } catch (RuntimeException e) {
      log.warn("delete: cleanup skipped, the properties cannot be read: " + e.getMessage());
      return;
    }
    ImageReference dest = props.destination();
    List<String> tags = pushedTags(props);
    if (tags.isEmpty()) {
      log.info("delete: docker://" + dest + " names a digest and no tags: nothing to remove");
      return;
    }
    EcrHost ecr = EcrHost.parse(dest.registry());
    if (ecr == null) {
      log.info(
          "delete: left tags "
              + tags
              + " of "
              + dest.repositoryUri()
              + ": the registry API cannot remove a single tag (only an image with all its"
              + " tags); remove them with the registry's own tools");
      return;
    }
    try (EcrClient client = ecrClients.apply(ecr.region())) {
      BatchDeleteImageResponse r =
          client.batchDeleteImage(
              b ->
                  b.registryId(ecr.account())
                      .repositoryName(dest.repository())
                      .imageIds(
                          tags.stream()
                              .map(t -> ImageIdentifier.builder().imageTag(t).build())
                              .toList()));
      List<String> removed =
          r.imageIds().stream().map(ImageIdentifier::imageTag).collect(Collectors.toList());
      log.info("delete: removed tags " + removed + " of " + dest.repositoryUri());
      for (ImageFailure f : r.failures()) {
        log.warn(
            "delete: tag "
                + f.imageId().imageTag()
                + " of "
                + dest.repositoryUri()
                + " not removed: "
                + f.failureCodeAsString()
                + (f.failureReason() != null ? " " + f.failureReason() : ""));
      }
    } catch (RuntimeException e) {
      // SdkException included: any failure of the call leaves the tags, never the stack.
      log.warn(
          "delete: cleanup failed, tags "
              + tags
              + " of "
              + dest.repositoryUri()
              + " are left: "
              + e.getMessage()
              + " (the role needs ecr:BatchDeleteImage on the repository)");
    }
  }

  /** The tags this resource pushed: destination tag, additional tags, architecture tags. */
  static List<String> pushedTags(DeploymentProperties props) {
    List<String> tags = new ArrayList<>();
    if (props.destination().digest() == null && props.destination().tag() != null) {
      tags.add(props.destination().tag());
    }
    for (String t : props.additionalTags()) {
      if (!tags.contains(t)) {
        tags.add(t);
      }
    }
    for (String t : props.archTags().values()) {
      if (!tags.contains(t)) {
        tags.add(t);
      }
    }
    return tags;
  }
}
