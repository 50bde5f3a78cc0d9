package io.github.cdkecrdeployment.handler.cfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CfnResponseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CfnEvent EVENT =
      CfnEvent.parse(
          CfnEvents.create(URI.create("https://s3.example.com/r?sig=1"), Map.of("SrcImage", "x")));

  @Test
  void shortReasonsAreKeptWhole() throws Exception {
    CfnResponse r = CfnResponse.failed(EVENT, "it broke", "stream-1");
    assertEquals(
        "{\"Status\":\"FAILED\",\"Reason\":\"it broke (log stream: stream-1)\","
            + "\"PhysicalResourceId\":\""
            + CfnEvents.REQUEST_ID
            + "\",\"StackId\":\""
            + CfnEvents.STACK_ID
            + "\",\"RequestId\":\""
            + CfnEvents.REQUEST_ID
            + "\",\"LogicalResourceId\":\""
            + CfnEvents.LOGICAL_ID
            + "\",\"Data\":{}}",
        new String(r.toJson(), StandardCharsets.UTF_8));
  }

  @Test
  void reasonsOfFourByteCharactersAndControlCharactersAreCutIntoValidJson() throws Exception {
    String reason = "head " + "🐳\u0001\"\\".repeat(3000) + " tail";
    byte[] body = CfnResponse.failed(EVENT, reason, "stream-1").toJson();
    assertTrue(body.length <= CfnResponse.MAX_BODY_BYTES, body.length + " bytes");
    assertTrue(body.length > CfnResponse.MAX_BODY_BYTES - 64, body.length + " bytes");
    JsonNode json = JSON.readTree(body);
    String cut = json.path("Reason").asText();
    assertTrue(cut.startsWith("head 🐳"), cut);
    assertTrue(cut.endsWith(" tail (log stream: stream-1)"), cut);
    assertTrue(cut.contains(" [...] "));
    // No half surrogate pair survives the cut.
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertTrue(Character.isLowSurrogate(cut.charAt(i + 1)), "at " + i);
      } else if (Character.isLowSurrogate(c)) {
        assertTrue(Character.isHighSurrogate(cut.charAt(i - 1)), "at " + i);
      }
    }
  }
}
