package io.github.cdkecrdeployment.handler.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** How buckets and keys become URLs, and how S3's error documents become errors. */
class S3AddressingTest {
  private static final AwsRetry RETRY = AwsRetry.STANDARD;
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDS3TEST", "s3-test-secret"));

  private static URI uri(String bucket, String key, String region, Map<String, String> env)
      throws Exception {
    S3Objects s3 =
        new S3Objects(
            new AwsEndpoints(AwsSettings.defaults(), env::get, p -> null),
            SignedCall.standard(CREDENTIALS),
            RETRY,
            region);
    return s3.objectUri(bucket, key, region);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // A DNS label: virtual-hosted.
    "my-bucket, https://my-bucket.s3.us-east-1.amazonaws.com/a/b.tar",
    "abc, https://abc.s3.us-east-1.amazonaws.com/a/b.tar",
    // Dots would not match the wildcard certificate; upper case, underscores and 2 or 64
    // characters are no DNS label; an IP address is no bucket host: path-style.
    "my.bucket, https://s3.us-east-1.amazonaws.com/my.bucket/a/b.tar",
    "My_Bucket, https://s3.us-east-1.amazonaws.com/My_Bucket/a/b.tar",
    "ab, https://s3.us-east-1.amazonaws.com/ab/a/b.tar",
    "192.168.10.20, https://s3.us-east-1.amazonaws.com/192.168.10.20/a/b.tar",
    "-bucket, https://s3.us-east-1.amazonaws.com/-bucket/a/b.tar",
    "bucket-, https://s3.us-east-1.amazonaws.com/bucket-/a/b.tar"
  })
  void bucketsThatAreDnsLabelsAreVirtualHostedOthersPathStyle(String bucket, String expected)
      throws Exception {
    assertEquals(URI.create(expected), uri(bucket, "a/b.tar", "us-east-1", Map.of()));
  }

  @Test
  void theLongestVirtualHostableNameHas63Characters() throws Exception {
    String b63 = "b".repeat(63);
    assertEquals(
        "https://" + b63 + ".s3.us-east-1.amazonaws.com/k",
        uri(b63, "k", "us-east-1", Map.of()).toString());
    String b64 = "b".repeat(64);
    assertEquals(
        "https://s3.us-east-1.amazonaws.com/" + b64 + "/k",
        uri(b64, "k", "us-east-1", Map.of()).toString());
  }

  @Test
  void theRegionsPartitionAndFipsMakeTheHost() throws Exception {
    assertEquals(
        URI.create("https://images.s3.cn-north-1.amazonaws.com.cn/app.tar"),
        uri("images", "app.tar", "cn-north-1", Map.of()));
    assertEquals(
        URI.create("https://images.s3-fips.us-gov-west-1.amazonaws.com/app.tar"),
        uri("images", "app.tar", "us-gov-west-1", Map.of("AWS_USE_FIPS_ENDPOINT", "true")));
  }

  @Test
  void aConfiguredEndpointIsAlwaysPathStyleBelowItsBasePath() throws Exception {
    assertEquals(
        URI.create("http://127.0.0.1:9000/images/app.tar"),
        uri(
            "images",
            "app.tar",
            "us-east-1",
            Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")));
    assertEquals(
        URI.create("http://minio.test:9000/s3/images/app.tar"),
        uri(
            "images",
            "app.tar",
            "us-east-1",
            Map.of("AWS_ENDPOINT_URL", "http://minio.test:9000/s3/")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "images/app.tar | images/app.tar",
        "dir/sub dir/a+b=c&d.tar | dir/sub%20dir/a%2Bb%3Dc%26d.tar",
        "v1.0/app_x-y~z.tar | v1.0/app_x-y~z.tar",
        "Ümlaut/日本.tar | %C3%9Cmlaut/%E6%97%A5%E6%9C%AC.tar",
        "a//b/ | a//b/",
        "100%/a:b@c?d#e | 100%25/a%3Ab%40c%3Fd%23e"
      })
  void keysAreEncodedSegmentBySegmentKeepingTheSlashes(String key, String encoded) {
    assertEquals(encoded, S3Objects.encodeKey(key));
  }

  @Test
  void aKeyWithALeadingSlashKeepsIt() throws Exception {
    assertEquals("/k", S3Objects.encodeKey("/k"));
    assertEquals(
        URI.create("https://bkt.s3.us-east-1.amazonaws.com//k"),
        uri("bkt", "/k", "us-east-1", Map.of()));
  }

  // ---- error documents
  // ---------------------------------------------------------------------------

  @Test
  void errorsTakeCodeMessageAndRequestIdFromTheXmlDocument() {
    AwsServiceError e =
        S3Objects.error(
            "GetObject s3://b/k",
            404,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The"
                + " specified key does not exist.</Message><Key>k</Key><RequestId>4442587FB7D0A2F9"
                + "</RequestId></Error>",
            null);
    assertEquals(404, e.status());
    assertEquals("NoSuchKey", e.code());
    assertEquals("The specified key does not exist.", e.serviceMessage());
    assertEquals("4442587FB7D0A2F9", e.requestId());
    assertEquals(
        "GetObject s3://b/k failed with HTTP 404 NoSuchKey: The specified key does not exist."
            + " (request id 4442587FB7D0A2F9)",
        e.getMessage());
    assertFalse(e.isTransient());
  }

  @Test
  void aResponseWithoutADocumentIsNamedByItsStatus() {
    AwsServiceError denied = S3Objects.error("HeadObject", 403, "", "R1");
    assertEquals("AccessDenied", denied.code());
    assertEquals("R1", denied.requestId());
    AwsServiceError missing = S3Objects.error("HeadObject", 404, "", null);
    assertNull(missing.code());
    assertNull(missing.serviceMessage());
    assertEquals("HeadObject failed with HTTP 404", missing.getMessage());
  }

  @Test
  void entitiesInTheDocumentAreDecoded() {
    assertEquals(
        "a <b> & \"c\" 'd'",
        S3Objects.element(
            "<Error><Message>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</Message></Error>",
            "Message"));
    assertNull(S3Objects.element("<Error><Code></Code></Error>", "Code"));
    assertNull(S3Objects.element("not xml", "Code"));
  }
}
