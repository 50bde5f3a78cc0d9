package io.github.cdkecrdeployment.handler.testing;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API on 127.0.0.1 ({@code org.gaul:s3proxy} over a filesystem blob store in a temporary
 * directory), SigV4-authenticated with {@link #ACCESS_KEY}/{@link #SECRET_KEY}. Register as a
 * static {@code @RegisterExtension}; one server per test class.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
  /** Access key the server accepts. */
  public static final String ACCESS_KEY = "AKIDS3PROXYTEST";

  /** Secret key the server accepts. */
  public static final String SECRET_KEY = "s3proxy-test-secret-key";

  private S3Proxy proxy;
  private BlobStoreContext context;
  private Path dir;
  private S3Client client;

  @Override
  public void beforeAll(ExtensionContext ctx) throws Exception {
    dir = Files.createTempDirectory("s3proxy");
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            // Current SDKs send checksum headers s3proxy 2.6 does not know.
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long until = System.nanoTime() + 30_000_000_000L;
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("s3proxy did not start within 30 s");
      }
      Thread.sleep(10);
    }
    client =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .endpointOverride(endpoint())
            .forcePathStyle(true)
            // s3proxy 2.6 cannot verify the SDK's default trailing checksums on uploads.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
  }

  @Override
  public void afterAll(ExtensionContext ctx) throws Exception {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (context != null) {
      context.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Credentials the server accepts. */
  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** AWS settings whose S3 client reads from this server (region us-east-1). */
  public AwsSettings settings() {
    return AwsSettings.builder()
        .region(Region.US_EAST_1)
        .credentials(credentials())
        .s3Endpoint(endpoint())
        .build();
  }

  /** A client for setting up buckets and objects. */
  public S3Client client() {
    return client;
  }

  /** Creates a bucket unless it exists. */
  public void createBucket(String bucket) {
    if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  /** Uploads an object. */
  public void put(String bucket, String key, byte[] content) {
    createBucket(bucket);
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }
}
