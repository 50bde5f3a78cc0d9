package io.github.cdkecrdeployment.handler.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Signs one request with SigV4 (the SDK's {@link AwsV4HttpSigner}) and sends it once with the SDK's
 * URL-connection HTTP client. S3 requests are signed as S3 wants them: the path as it is (no second
 * URI-encoding, no normalization) and {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}. The signed
 * headers carry the credentials' signature and session token: they are never logged, and no
 * exception message made here contains them. Thread-safe.
 */
public final class SignedCall {
  private final Supplier<SdkHttpClient> httpFactory;
  private final AwsCredentialsProvider credentials;
  private volatile SdkHttpClient http;

  /**
   * Creates one.
   *
   * @param http sends the requests
   * @param credentials resolved at each request (the SDK's providers cache and refresh)
   */
  public SignedCall(SdkHttpClient http, AwsCredentialsProvider credentials) {
    this(() -> http, credentials);
  }

  private SignedCall(Supplier<SdkHttpClient> httpFactory, AwsCredentialsProvider credentials) {
    this.httpFactory = httpFactory;
    this.credentials = credentials;
  }

  /**
   * With the URL-connection client's defaults (2 s to connect, 30 s per read), as SDK clients; the
   * client is made on the first request, so that a call never made costs nothing.
   */
  public static SignedCall standard(AwsCredentialsProvider credentials) {
    return new SignedCall(UrlConnectionHttpClient::create, credentials);
  }

  private SdkHttpClient http() {
    SdkHttpClient c = http;
    if (c == null) {
      synchronized (this) {
        c = http;
        if (c == null) {
          http = c = httpFactory.get();
        }
      }
    }
    return c;
  }

  /**
   * Signs and sends {@code request} once.
   *
   * @param request method, URI and the headers to sign (the signer adds {@code Host}, {@code
   *     X-Amz-Date}, {@code x-amz-content-sha256}, {@code Authorization} and a session token)
   * @param body the payload, or null
   * @param service whose signing name goes into the signature
   * @param region the signing region
   * @return the response, open until closed; any status
   * @throws AwsClientException when there are no credentials or the signer refuses the request
   * @throws IOException when the request cannot be sent or the response not read
   */
  public AwsResponse send(SdkHttpRequest request, byte[] body, AwsService service, String region)
      throws IOException {
    AwsCredentials identity;
    try {
      identity = credentials.resolveCredentials();
    } catch (RuntimeException e) {
      // The SDK's message lists the providers it tried; it never contains a key.
      throw new AwsClientException("no AWS credentials: " + e.getMessage(), e);
    }
    SignedRequest signed;
    try {
      signed =
          AwsV4HttpSigner.create()
              .sign(
                  r -> {
                    r.identity(identity)
                        .request(request)
                        .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service.signingName())
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region);
                    if (service == AwsService.S3) {
                      // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
                      r.putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                          .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false);
                    }
                  });
    } catch (RuntimeException e) {
      throw new AwsClientException(
          "cannot sign the request to " + request.host() + ": " + e.getClass().getSimpleName(), e);
    }
    ExecutableHttpRequest exchange =
        http()
            .prepareRequest(
                HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build());
    HttpExecuteResponse response;
    try {
      response = exchange.call();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new AwsResponse(response.httpResponse(), response.responseBody().orElse(null), exchange);
  }
}
