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
import io.github.cdkecrdeployment.handler.cleanup.TagCleanup;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.DeadlineExceededException;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.Progress;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.copy.Workers;
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
import java.util.function.Supplier;

/**
 * The {@code Custom::CDKECRDeployment} Lambda handler: parse the event, copy the image, send
 * exactly one response to CloudFormation. Handler string: {@code
 * io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest}.
 *
 * <p>Nothing that can fail happens before the event's ResponseURL is known: the collaborators (AWS
 * clients, the copy engine) are built on the first event, inside the block whose every failure
 * becomes a FAILED response, so a broken sandbox never leaves a stack waiting for CloudFormation's
 * timeout.
 */
public final class EcrDeploymentHandler implements RequestStreamHandler {
  /** Time kept back from the Lambda timeout to report a copy that did not finish. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

  /**
   * What a deployment needs besides the event.
   *
   * @param credentials resolves SrcCreds/DestCreds
   * @param copier the copy engine
   * @param cleanup removes pushed tags on Delete when RemovalPolicy is destroy
   */
  record Collaborators(CredentialResolver credentials, ImageCopier copier, TagCleanup cleanup) {}

  private final Supplier<Collaborators> factory;
  private final ResponseSender sender;
  private final Log log;
  private final Clock clock;
  private volatile Collaborators collaborators;

  /** The Lambda entry point; builds nothing that can fail (see the class comment). */
  public EcrDeploymentHandler() {
    this(Log.fromEnvironment(), Clock.systemUTC());
  }

  private EcrDeploymentHandler(Log log, Clock clock) {
    this(
        () -> {
          // HTTPS_PROXY / NO_PROXY become the JVM's proxy settings before any client is built,
          // and the native TLS crypto is installed before the first connection. Both only for a
          // copy: a Delete pays neither.
          ProxyEnvironment.apply(System.getenv(), log);
          log.info("crypto: " + FastCrypto.install().detail());
          AwsSettings aws = AwsSettings.defaults();
          return new Collaborators(
              new CredentialResolver(aws, log), Copier.standard(aws), new TagCleanup(aws, log));
        },
        ResponseSender.standard(log),
        log,
        clock);
  }

  /** With ready collaborators (tests). */
  EcrDeploymentHandler(
      CredentialResolver credentials,
      ImageCopier copier,
      ResponseSender sender,
      Log log,
      Clock clock,
      TagCleanup cleanup) {
    this(() -> new Collaborators(credentials, copier, cleanup), sender, log, clock);
  }

  /** With a factory for the collaborators, called on the first event (tests make it fail). */
  EcrDeploymentHandler(
      Supplier<Collaborators> factory, ResponseSender sender, Log log, Clock clock) {
    this.factory = factory;
    this.sender = sender;
    this.log = log;
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Instant started = clock.instant();
    // JSON log lines carry the invocation's request id.
    log.requestId(context != null ? context.getAwsRequestId() : null);
    CfnEvent event = CfnEvent.parse(input.readAllBytes());
    // The pre-signed URL is a bearer secret for this stack's response.
    log.redact(event.responseUrl().toString());
    log.redact(event.responseUrl().getRawQuery());
    log.info("received " + event);
    CfnResponse response;
    try {
      response = respond(event, deadline(context, started));
    } catch (Exception | Error e) {
      String reason = log.scrub(e instanceof Failure ? e.getMessage() : describe(e));
      log.error("failed: " + reason);
      response =
          CfnResponse.failed(event, reason, context != null ? context.getLogStreamName() : null);
    }
    sender.send(event.responseUrl(), response);
  }

  /** parse → branch on the request type → run the deployment under the deadline. */
  private CfnResponse respond(CfnEvent event, Deadline deadline) throws Exception {
    if (event.requestType() == null) {
      throw new InvalidPropertyException(
          "RequestType is missing or not Create, Update or Delete: this function only handles"
              + " CloudFormation custom-resource events");
    }
    if (event.requestType() == CfnEvent.RequestType.DELETE) {
      delete(event);
      return CfnResponse.success(event, Map.of());
    }
    DeploymentProperties props = DeploymentProperties.parse(event.properties());
    log.info(event.requestType().name().toLowerCase(Locale.ROOT) + ": " + props);
    CopyResult result = deploy(props, deadline);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("ImageDigest", result.digest());
    data.put("ImageUri", result.imageUri());
    log.info("done: " + result.imageUri());
    return CfnResponse.success(event, data);
  }

  /**
   * Delete: nothing unless RemovalPolicy is destroy; then the pushed tags are removed. Never fails:
   * a cleanup that cannot run is logged, and the stack's deletion goes on.
   */
  private void delete(CfnEvent event) {
    if (!"destroy".equalsIgnoreCase(event.properties().path("RemovalPolicy").asText(""))) {
      log.info("delete: nothing to do, the image stays in the destination repository");
      return;
    }
    try {
      collaborators().cleanup().onDelete(event.properties());
    } catch (RuntimeException e) {
      log.warn("delete: the pushed tags were left in place: " + describe(e));
    }
  }

  private Collaborators collaborators() {
    Collaborators c = collaborators;
    if (c == null) {
      synchronized (this) {
        c = collaborators;
        if (c == null) {
          c = factory.get();
          collaborators = c;
        }
      }
    }
    return c;
  }

  private Deadline deadline(Context context, Instant started) {
    long remaining = context != null ? context.getRemainingTimeInMillis() : 15 * 60_000L;
    return Deadline.at(started.plusMillis(remaining).minus(SAFETY_MARGIN), clock);
  }

  /** Runs the copy on a worker thread of its own, so that the deadline holds whatever it does. */
  private CopyResult deploy(DeploymentProperties props, Deadline deadline) throws Exception {
    Progress progress = new Progress(new LoggingCopyListener(log));
    try {
      return Workers.within(
          "deployment",
          deadline,
          () -> {
            Collaborators c = collaborators();
            CredentialResolver.Session session = c.credentials().session();
            progress.stage("resolving credentials");
            CopyRequest request =
                CopyRequest.builder(props.source(), props.destination())
                    .sourceCredential(
                        props.source() instanceof SourceLocation.Docker d
                            ? session.resolve("SrcCreds", props.sourceCreds(), d.reference())
                            : null)
                    .destinationCredential(
                        session.resolve("DestCreds", props.destinationCreds(), props.destination()))
                    .selection(props.selection())
                    .archTags(props.archTags())
                    .additionalTags(props.additionalTags())
                    .retryPolicy(props.retryPolicy())
                    .deadline(deadline)
                    .listener(progress.asListener())
                    .build();
            return c.copier().copy(request);
          });
    } catch (DeadlineExceededException e) {
      throw new Failure(deadlineReason(progress.lastStage(), e.progress().describe() + " done"));
    } catch (io.github.cdkecrdeployment.handler.common.DeadlineException e) {
      throw new Failure(deadlineReason(progress.lastStage(), progress.doneLine()));
    }
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
