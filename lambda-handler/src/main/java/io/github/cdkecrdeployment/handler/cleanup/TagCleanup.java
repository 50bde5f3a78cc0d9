package io.github.cdkecrdeployment.handler.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.auth.EcrHost;
import io.github.cdkecrdeployment.handler.aws.AwsEndpoints;
import io.github.cdkecrdeployment.handler.aws.AwsJsonCall;
import io.github.cdkecrdeployment.handler.aws.AwsRetry;
import io.github.cdkecrdeployment.handler.aws.AwsService;
import io.github.cdkecrdeployment.handler.aws.SignedCall;
import io.github.cdkecrdeployment.handler.cfn.DeploymentProperties;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
  static final String BATCH_DELETE_IMAGE = "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage";

  private final Log log;
  private final AwsJsonCall ecrApi;

  /**
   * A cleanup that calls the ECR API with the Lambda's AWS settings (region from the registry host,
   * its FIPS endpoint for a FIPS registry, endpoint override from the settings or {@code
   * AWS_ENDPOINT_URL_ECR}).
   *
   * @param aws the AWS settings
   * @param log the log
   */
  public TagCleanup(AwsSettings aws, Log log) {
    this.log = log;
    this.ecrApi =
        new AwsJsonCall(
            AwsService.ECR,
            AwsEndpoints.of(aws),
            SignedCall.standard(aws.credentials()),
            AwsRetry.STANDARD);
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
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    request.put("registryId", ecr.account()).put("repositoryName", dest.repository());
    tags.forEach(t -> request.withArray("imageIds").addObject().put("imageTag", t));
    try {
      JsonNode r =
          ecrApi.call(
              "ECR BatchDeleteImage in " + ecr.region(),
              ecr.region(),
              ecr.fips(),
              BATCH_DELETE_IMAGE,
              request,
              Deadline.none());
      List<String> removed = new ArrayList<>();
      r.path("imageIds").forEach(id -> removed.add(id.path("imageTag").asText()));
      log.info("delete: removed tags " + removed + " of " + dest.repositoryUri());
      for (JsonNode f : r.path("failures")) {
        String reason = f.path("failureReason").asText("");
        log.warn(
            "delete: tag "
                + f.path("imageId").path("imageTag").asText()
                + " of "
                + dest.repositoryUri()
                + " not removed: "
                + f.path("failureCode").asText()
                + (reason.isEmpty() ? "" : " " + reason));
      }
    } catch (IOException | RuntimeException e) {
      // Any failure of the call leaves the tags, never the stack.
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
