package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Retryable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Reads S3 objects through the S3 REST API (<a
 * href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html">GetObject</a>),
 * streamed.
 *
 * <p>Addressing (<a
 * href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html">virtual
 * hosting</a>): {@code https://<bucket>.s3.<region>.<dnsSuffix>/<key>} for a bucket name that is a
 * DNS label (no dots), path-style {@code https://s3.<region>.<dnsSuffix>/<bucket>/<key>} for other
 * names, and always path-style on a configured endpoint (S3-compatible servers, tests). Keys are
 * URI-encoded segment by segment, {@code /} kept.
 *
 * <p>Buckets in another region: S3 answers 301 (or 400) naming the bucket's region in {@code
 * x-amz-bucket-region}; the request is made again there, and the region is remembered per bucket.
 * Errors come from the XML error document ({@code Code}, {@code Message}); a response without one
 * is named by its status (403 {@code AccessDenied}). Thread-safe.
 */
public final class S3Objects {
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final Pattern VIRTUAL_HOSTABLE =
      Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final AwsEndpoints endpoints;
  private final SignedCall signed;
  private final AwsRetry retry;
  private final String region;
  private final Map<String, String> bucketRegions = new ConcurrentHashMap<>();

  /**
   * Creates one.
   *
   * @param endpoints where S3 is
   * @param signed signs and sends
   * @param retry the retry of each request
   * @param region the region of buckets not yet seen elsewhere
   */
  public S3Objects(AwsEndpoints endpoints, SignedCall signed, AwsRetry retry, String region) {
    this.endpoints = endpoints;
    this.signed = signed;
    this.retry = retry;
    this.region = region;
  }

  /**
   * Reads as the handler does: the region, credentials and endpoint of {@code settings} and the
   * SDK's default chains.
   *
   * @throws software.amazon.awssdk.core.exception.SdkClientException when no region is set
   */
  public static S3Objects create(AwsSettings settings) {
    return new S3Objects(
        AwsEndpoints.of(settings),
        SignedCall.standard(settings.credentials()),
        AwsRetry.STANDARD,
        settings.region().id());
  }

  /**
   * GETs {@code key} of {@code bucket}, retried, in the bucket's region.
   *
   * @param range a {@code Range} header value such as {@code bytes=0-99}, or null for all of it
   * @return the 200/206 response with its body open: read and close it, or abort it
   * @throws AwsServiceError when S3 answers an error
   * @throws IOException when S3 cannot be reached, after the retries
   */
  public AwsResponse get(String bucket, String key, String range, Deadline deadline)
      throws IOException {
    String what = "GetObject s3://" + bucket + "/" + key;
    String at = bucketRegions.getOrDefault(bucket, region);
    for (boolean redirected = false; ; redirected = true) {
      String r = at;
      try {
        return retry.run(what, deadline, () -> once(what, bucket, key, range, r));
      } catch (WrongRegion w) {
        String actual = w.region != null ? w.region : headBucketRegion(bucket, r, deadline);
        if (redirected || actual == null || actual.equals(r)) {
          throw w.error;
        }
        bucketRegions.put(bucket, actual);
        at = actual;
      }
    }
  }

  /** The region a request for {@code bucket} is signed for now. */
  String regionOf(String bucket) {
    return bucketRegions.getOrDefault(bucket, region);
  }

  private AwsResponse once(String what, String bucket, String key, String range, String at)
      throws IOException {
    SdkHttpRequest.Builder b =
        SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(objectUri(bucket, key, at));
    if (range != null) {
      b.putHeader("Range", range);
    }
    AwsResponse r = signed.send(b.build(), null, AwsService.S3, at);
    int status = r.status();
    if (status / 100 == 2) {
      return r;
    }
    String requestId = r.header("x-amz-request-id");
    String hinted = r.header("x-amz-bucket-region");
    String body = new String(r.readBody(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    AwsServiceError e = error(what, status, body, requestId);
    if (hinted == null) {
      hinted = element(body, "Region");
    }
    boolean moved = status == 301 || status == 307;
    if ((moved || (status == 400 && hinted != null)) && !at.equals(hinted)) {
      throw new WrongRegion(hinted, e);
    }
    throw e;
  }

  /** {@code HEAD} of the bucket, whose every answer names its region; null when it does not. */
  private String headBucketRegion(String bucket, String at, Deadline deadline) throws IOException {
    SdkHttpRequest head =
        SdkHttpRequest.builder().method(SdkHttpMethod.HEAD).uri(bucketUri(bucket, at)).build();
    return retry.run(
        "HeadBucket " + bucket,
        deadline,
        () -> {
          try (AwsResponse r = signed.send(head, null, AwsService.S3, at)) {
            String hinted = r.header("x-amz-bucket-region");
            if (hinted == null && AwsRetry.isRetryable(r.status(), null)) {
              throw error("HeadBucket " + bucket, r.status(), "", r.header("x-amz-request-id"));
            }
            return hinted;
          }
        });
  }

  /** The URL of an object: virtual-hosted or path-style, the key encoded per segment. */
  URI objectUri(String bucket, String key, String at) throws AwsClientException {
    return URI.create(bucketBase(bucket, at) + "/" + encodeKey(key));
  }

  private URI bucketUri(String bucket, String at) throws AwsClientException {
    return URI.create(bucketBase(bucket, at) + (virtualHosted(bucket, at) ? "/" : ""));
  }

  /** Scheme, host and path up to the key, without a trailing slash. */
  private String bucketBase(String bucket, String at) throws AwsClientException {
    AwsEndpoints.Endpoint e = endpoints.resolve(AwsService.S3, at, false);
    URI u = e.uri();
    String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
    String authority = u.getRawAuthority();
    if (!e.configured() && virtualHostable(bucket)) {
      return u.getScheme() + "://" + bucket + "." + authority + path;
    }
    return u.getScheme() + "://" + authority + path + "/" + encodeSegment(bucket);
  }

  private boolean virtualHosted(String bucket, String at) throws AwsClientException {
    return !endpoints.resolve(AwsService.S3, at, false).configured() && virtualHostable(bucket);
  }

  /**
   * True when {@code bucket} can be the first label of a host name: 3 to 63 lowercase letters,
   * digits and hyphens, starting and ending with a letter or digit, no dots (a dotted name would
   * not match the wildcard TLS certificate), not an IP address.
   */
  static boolean virtualHostable(String bucket) {
    return VIRTUAL_HOSTABLE.matcher(bucket).matches() && !IP_ADDRESS.matcher(bucket).matches();
  }

  /** {@code key} URI-encoded as S3 signs it: every byte but unreserved characters and {@code /}. */
  static String encodeKey(String key) {
    StringBuilder out = new StringBuilder(key.length() + 16);
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      out.append(i == 0 ? "" : "/").append(encodeSegment(segments[i]));
    }
    return out.toString();
  }

  /** RFC 3986 percent-encoding of everything but {@code A-Z a-z 0-9 - _ . ~}. */
  static String encodeSegment(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * The error of an S3 response: {@code Code} and {@code Message} of its XML error document; one
   * without a document (a HEAD, a proxy's answer) gets the code its status means, 403 {@code
   * AccessDenied}, else none.
   */
  static AwsServiceError error(String what, int status, String body, String requestId) {
    String code = element(body, "Code");
    String message = element(body, "Message");
    if (code == null && status == 403) {
      code = "AccessDenied";
    }
    if (requestId == null) {
      requestId = element(body, "RequestId");
    }
    return new AwsServiceError(what, status, code, message, requestId);
  }

  /** The text of the first {@code <name>} element of an XML document, entities decoded; or null. */
  static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
    if (!m.find() || m.group(1).isBlank()) {
      return null;
    }
    return m.group(1)
        .trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }

  /** A request signed for the wrong region of its bucket; carries the region S3 named, or null. */
  private static final class WrongRegion extends IOException implements Retryable {
    private static final long serialVersionUID = 1L;
    private final String region;
    private final AwsServiceError error;

    WrongRegion(String region, AwsServiceError error) {
      super(error.getMessage(), error);
      this.region = region;
      this.error = error;
    }

    @Override
    public boolean isTransient() {
      return false;
    }
  }
}
