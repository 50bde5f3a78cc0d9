package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.UUID;

/**
 * The custom resource events CloudFormation sends to a function, for one resource of one stack. See
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html.
 */
public final class CloudFormationEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SynthesizedStack stack;
  private final CustomResourceSpec resource;

  /** Events for {@code resource} of {@code stack}. */
  public CloudFormationEvents(SynthesizedStack stack, CustomResourceSpec resource) {
    this.stack = stack;
    this.resource = resource;
  }

  /**
   * A {@code Create} event.
   *
   * @param properties the resolved {@code ResourceProperties} (ServiceToken included)
   * @param responseUrl where the function must PUT its answer
   */
  public Event create(Map<String, String> properties, String responseUrl) {
    return event("Create", properties, responseUrl, null, null);
  }

  /** An {@code Update} event: new and old properties, the physical id returned so far. */
  public Event update(
      Map<String, String> properties,
      Map<String, String> oldProperties,
      String physicalResourceId,
      String responseUrl) {
    return event("Update", properties, responseUrl, physicalResourceId, oldProperties);
  }

  /** A {@code Delete} event with the last properties and the physical id returned so far. */
  public Event delete(
      Map<String, String> properties, String physicalResourceId, String responseUrl) {
    return event("Delete", properties, responseUrl, physicalResourceId, null);
  }

  private Event event(
      String type,
      Map<String, String> properties,
      String responseUrl,
      String physicalResourceId,
      Map<String, String> oldProperties) {
    String requestId = UUID.randomUUID().toString();
    ObjectNode e = JSON.createObjectNode();
    e.put("RequestType", type);
    e.put("ServiceToken", properties.get("ServiceToken"));
    e.put("ResponseURL", responseUrl);
    e.put("StackId", stack.cloud().stackId());
    e.put("RequestId", requestId);
    e.put("LogicalResourceId", resource.logicalId());
    e.put("ResourceType", resource.type());
    if (physicalResourceId != null) {
      e.put("PhysicalResourceId", physicalResourceId);
    }
    e.set("ResourceProperties", JSON.valueToTree(properties));
    if (oldProperties != null) {
      e.set("OldResourceProperties", JSON.valueToTree(oldProperties));
    }
    return new Event(requestId, e.toString());
  }

  /**
   * One event.
   *
   * @param requestId its {@code RequestId} (the physical id a Create must answer with)
   * @param json the event document
   */
  public record Event(String requestId, String json) {}
}
