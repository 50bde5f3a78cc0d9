package io.github.cdkecrdeployment.handler.cfn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.common.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one response to a custom-resource event. {@link #toJson()} keeps the body within
 * CloudFormation's 4096-byte limit by shortening the reason, never the rest.
 *
 * @param status SUCCESS or FAILED
 * @param reason why it failed (ends with the log stream name), or null on success
 * @param physicalResourceId see {@link CfnEvent#responsePhysicalResourceId()}
 * @param stackId echoed from the event
 * @param requestId echoed from the event
 * @param logicalResourceId echoed from the event
 * @param data {@code ImageDigest} and {@code ImageUri} on success, else empty
 */
public record CfnResponse(
    Status status,
    String reason,
    String physicalResourceId,
    String stackId,
    String requestId,
    String logicalResourceId,
    Map<String, String> data) {

  /** CloudFormation rejects response bodies above this size. */
  public static final int MAX_BODY_BYTES = 4096;

  private static final String ELLIPSIS = " [...] ";

  /** Outcome. */
  public enum Status {
    /** The resource is in place. */
    SUCCESS,
    /** It is not; the reason says why. */
    FAILED
  }

  /** Copies the data map, keeping its order. */
  public CfnResponse {
    Objects.requireNonNull(status, "status");
    data =
        data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** A SUCCESS answer to {@code event}. */
  public static CfnResponse success(CfnEvent event, Map<String, String> data) {
    return new CfnResponse(
        Status.SUCCESS,
        null,
        event.responsePhysicalResourceId(),
        event.stackId(),
        event.requestId(),
        event.logicalResourceId(),
        data);
  }

  /**
   * A FAILED answer to {@code event}.
   *
   * @param reason what failed and the fix
   * @param logStream appended, so the reason always points at the full log
   */
  public static CfnResponse failed(CfnEvent event, String reason, String logStream) {
    return new CfnResponse(
        Status.FAILED,
        withLogStream(reason, logStream),
        event.responsePhysicalResourceId(),
        event.stackId(),
        event.requestId(),
        event.logicalResourceId(),
        Map.of());
  }

  static String withLogStream(String reason, String logStream) {
    String r = reason == null || reason.isBlank() ? "the copy failed" : reason.strip();
    return r + " (log stream: " + (logStream == null ? "unknown" : logStream) + ")";
  }

  /**
   * The JSON body, at most {@link #MAX_BODY_BYTES} bytes of UTF-8. A long reason is cut in its
   * middle so that both its start (what failed) and its end (the log stream) survive.
   */
  public byte[] toJson() {
    byte[] body = serialize(reason);
    if (body.length <= MAX_BODY_BYTES || reason == null) {
      return body;
    }
    // Characters take 1 to 6 bytes in the JSON, so search for the longest cut that fits.
    int lo = 0;
    int hi = reason.length();
    byte[] best = serialize(cutMiddle(reason, 0));
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      byte[] candidate = serialize(cutMiddle(reason, mid));
      if (candidate.length <= MAX_BODY_BYTES) {
        best = candidate;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  private static String cutMiddle(String s, int keep) {
    if (keep >= s.length()) {
      return s;
    }
    int tail = Math.min(keep / 2, s.length());
    int head = keep - tail;
    // Avoid splitting a surrogate pair.
    if (head > 0 && Character.isHighSurrogate(s.charAt(head - 1))) {
      head--;
    }
    int tailStart = s.length() - tail;
    if (tailStart < s.length() && Character.isLowSurrogate(s.charAt(tailStart))) {
      tailStart++;
    }
    return s.substring(0, head) + ELLIPSIS + s.substring(tailStart);
  }

  private byte[] serialize(String r) {
    ObjectNode o = Json.object();
    o.put("Status", status.name());
    if (r != null) {
      o.put("Reason", r);
    }
    o.put("PhysicalResourceId", physicalResourceId);
    o.put("StackId", stackId);
    o.put("RequestId", requestId);
    o.put("LogicalResourceId", logicalResourceId);
    ObjectNode d = o.putObject("Data");
    data.forEach(d::put);
    return Json.write(o);
  }
}
