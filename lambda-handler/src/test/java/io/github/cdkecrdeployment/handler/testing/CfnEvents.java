package io.github.cdkecrdeployment.handler.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Custom-resource events as CloudFormation sends them, for {@code Custom::CDKECRDeployment}. */
public final class CfnEvents {
  /** StackId of every fixture. */
  public static final String STACK_ID =
      "arn:aws:cloudformation:us-east-1:123456789012:stack/MyStack/5b2a1c30-0c1f-11ef-9d3b-0a1b2c3d4e5f";

  /** RequestId of every fixture. */
  public static final String REQUEST_ID = "a1b2c3d4-5678-90ab-cdef-111111111111";

  /** LogicalResourceId of every fixture. */
  public static final String LOGICAL_ID = "DeployImageCustomResourceE5B0C1B2";

  /** PhysicalResourceId sent with Update and Delete fixtures. */
  public static final String PHYSICAL_ID = "a1b2c3d4-5678-90ab-cdef-000000000000";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CfnEvents() {}

  /** A Create event. */
  public static byte[] create(URI responseUrl, Map<String, String> properties) {
    return event("Create", responseUrl, properties, null);
  }

  /** An Update event. */
  public static byte[] update(URI responseUrl, Map<String, String> properties) {
    return event("Update", responseUrl, properties, properties);
  }

  /** A Delete event. */
  public static byte[] delete(URI responseUrl, Map<String, String> properties) {
    return event("Delete", responseUrl, properties, null);
  }

  /** An event of any RequestType. */
  public static byte[] event(
      String type, URI responseUrl, Map<String, String> properties, Map<String, String> old) {
    ObjectNode e = JSON.createObjectNode();
    e.put("RequestType", type);
    e.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:CustomCDKECRDeployment");
    e.put("ResponseURL", responseUrl.toString());
    e.put("StackId", STACK_ID);
    e.put("RequestId", REQUEST_ID);
    e.put("LogicalResourceId", LOGICAL_ID);
    if (!type.equals("Create")) {
      e.put("PhysicalResourceId", PHYSICAL_ID);
    }
    e.put("ResourceType", "Custom::CDKECRDeployment");
    ObjectNode p = e.putObject("ResourceProperties");
    p.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:CustomCDKECRDeployment");
    properties.forEach(p::put);
    if (old != null) {
      ObjectNode o = e.putObject("OldResourceProperties");
      old.forEach(o::put);
    }
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Properties with SrcImage and DestImage. */
  public static Map<String, String> props(String src, String dest) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("SrcImage", src);
    m.put("DestImage", dest);
    return m;
  }
}
