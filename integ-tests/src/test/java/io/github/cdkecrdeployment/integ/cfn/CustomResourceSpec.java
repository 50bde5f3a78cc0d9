package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A custom resource of a synthesized template.
 *
 * @param logicalId its logical id
 * @param type its resource type, e.g. {@code Custom::CDKECRDeployment}
 * @param functionLogicalId the logical id of the function its {@code ServiceToken} points to
 * @param properties its {@code Properties}, tokens unresolved
 */
public record CustomResourceSpec(
    String logicalId, String type, String functionLogicalId, JsonNode properties) {

  /**
   * The properties as CloudFormation sends them in {@code ResourceProperties}: every token
   * evaluated, every scalar a string. {@code ServiceToken} included.
   */
  public Map<String, String> resolve(Intrinsics intrinsics) {
    Map<String, String> out = new LinkedHashMap<>();
    properties
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), intrinsics.resolve(e.getValue())));
    return out;
  }
}
