package io.github.cdkecrdeployment.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.cdkecrdeployment.handler.auth.CredentialException;
import io.github.cdkecrdeployment.handler.auth.CredentialResolver;
import io.github.cdkecrdeployment.handler.cfn.CfnEvent;
import io.github.cdkecrdeployment.handler.cfn.CfnResponse;
import io.github.cdkecrdeployment.handler.cfn.DeploymentProperties;
import io.github.cdkecrdeployment.handler.cfn.InvalidPropertyException;
import io.github.cdkecrdeployment.handler.cfn.ResponseSender;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyProgress;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.Deadline;
import io.github.cdkecrdeployment.handler.copy.DeadlineExceededException;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.tls.FastCrypto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code Custom::CDKECRDeployment} Lambda handler: parse the event, copy the image, send
 * exactly one response to CloudFormation. Handler string: {@code
 * io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest}.
 */
public final class EcrDeploymentHandler implements RequestStreamHandler {
  /** Time kept back from the Lambda timeout to report a copy that did not finish. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

  private final CredentialResolver credentials;
  private final ImageCopier copier;
  private final ResponseSender sender;
  private final Log log;
  private final Clock clock;

  /** Builds the real collaborators from the Lambda environment (called once per cold start). */
  public EcrDeploymentHandler() {
    this(Log.fromEnvironment(), AwsSettings.defaults());
  }

  private EcrDeploymentHandler(Log log, AwsSettings aws) {
    this(
        new CredentialResolver(aws, log),
        ImageCopiers.standard(aws),
        ResponseSender.standard(log),
        log,
        Clock.systemUTC());
  }

  EcrDeploymentHandler(
      CredentialResolver credentials,
      ImageCopier copier,
      ResponseSender sender,
      Log log,
      Clock clock) {
    this.credentials = credentials;
    this.copier = copier;
    this.sender = sender;
    this.log = log;
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Instant started = clock.instant();
    CfnEvent event = CfnEvent.parse(input.readAllBytes());
    // The pre-signed URL is a bearer secret for this stack's response.
    log.redact(event.responseUrl().toString());
    log.redact(event.responseUrl().getRawQuery());
    log.info("received " + event);
    CfnResponse response = respond(event, context, started);
    sender.send(event.responseUrl(), response);
  }

  private CfnResponse respond(CfnEvent event, Context context, Instant started) {
    String logStream = context != null ? context.getLogStreamName() : null;
    try {
      if (event.requestType() == null) {
        throw new InvalidPropertyException(
            "RequestType is missing or not Create, Update or Delete: this function only handles"
                + " CloudFormation custom-resource events");
      }
      if (event.requestType() == CfnEvent.RequestType.DELETE) {
        log.info("delete: nothing to do, the image stays in the destination repository");
        return CfnResponse.success(event, Map.of());
      }
      DeploymentProperties props = DeploymentProperties.parse(event.properties());
      log.info(event.requestType().name().toLowerCase(Locale.ROOT) + ": " + props);
      // Native TLS crypto before the copy's first connection (a Delete does not pay its start-up).
      log.info("crypto: " + FastCrypto.install().detail());
      CopyResult result = copy(props, deadline(context, started));
      Map<String, String> data = new LinkedHashMap<>();
      data.put("ImageDigest", result.digest());
      data.put("ImageUri", result.imageUri());
      log.info("done: " + result.imageUri());
      return CfnResponse.success(event, data);
    } catch (Exception | Error e) {
      String reason = log.scrub(e instanceof Failure ? e.getMessage() : describe(e));
      log.error("failed: " + reason);
      return CfnResponse.failed(event, reason, logStream);
    }
  }

  private Deadline deadline(Context context, Instant started) {
    long remaining = context != null ? context.getRemainingTimeInMillis() : 15 * 60_000L;
    return Deadline.at(started.plusMillis(remaining).minus(SAFETY_MARGIN), clock);
  }

  /** Runs the copy on a worker thread so that the deadline holds whatever the copier does. */
  private CopyResult copy(DeploymentProperties props, Deadline deadline) throws Exception {
    LoggingCopyListener listener = new LoggingCopyListener(log);
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "copy");
              t.setDaemon(true);
              return t;
            });
    Future<CopyResult> future =
        worker.submit(
            () -> {
              CredentialResolver.Session session = credentials.session();
              listener.stage("resolving credentials");
              CopyRequest request =
                  CopyRequest.builder(props.source(), props.destination())
                      .sourceCredential(
                          props.source() instanceof SourceLocation.Docker d
                              ? session.resolve("SrcCreds", props.sourceCreds(), d.reference())
                              : null)
                      .destinationCredential(
                          session.resolve(
                              "DestCreds", props.destinationCreds(), props.destination()))
                      .selection(props.selection())
                      .archTags(props.archTags())
                      .retryPolicy(props.retryPolicy())
                      .deadline(deadline)
                      .listener(listener)
                      .build();
              return copier.copy(request);
            });
    worker.shutdown();
    try {
      Duration left = deadline.remaining();
      return future.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      worker.awaitTermination(2, TimeUnit.SECONDS);
      throw new Failure(
          deadlineReason(
              listener.lastStage(),
              listener.blobsDone() + " blobs (" + mb(listener.bytesDone()) + ") copied"));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DeadlineExceededException d) {
        throw new Failure(deadlineReason(listener.lastStage(), describe(d.progress())));
      }
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private static String describe(CopyProgress p) {
    return p.describe() + " done";
  }

  private static String deadlineReason(String stage, String done) {
    return "the copy did not finish in time: the Lambda timeout minus a "
        + SAFETY_MARGIN.toSeconds()
        + " s safety margin ran out while "
        + stage
        + "; "
        + done
        + ". Raise memoryLimit (more memory also means more network and CPU for the copy) or"
        + " copy fewer platforms (imageArch instead of copyImageIndex), then deploy again;"
        + " blobs already copied are skipped";
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** The reason for an exception; messages of our own types already say what and how to fix. */
  private static String describe(Throwable e) {
    if (e instanceof InvalidPropertyException
        || e instanceof CredentialException
        || e instanceof CopyException) {
      return e.getMessage();
    }
    if (e instanceof InterruptedException) {
      return "the copy was interrupted";
    }
    return "unexpected "
        + e.getClass().getName()
        + (e.getMessage() != null ? ": " + e.getMessage() : "")
        + "; this is a bug in cdk-ecr-deployment, please report it with the log";
  }

  /** A failure whose message is already the complete reason. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String reason) {
      super(reason);
    }
  }
}
