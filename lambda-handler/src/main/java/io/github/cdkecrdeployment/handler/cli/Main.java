package io.github.cdkecrdeployment.handler.cli;

import io.github.cdkecrdeployment.handler.auth.CredentialException;
import io.github.cdkecrdeployment.handler.auth.CredentialResolver;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.copy.Copier;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyListener;
import io.github.cdkecrdeployment.handler.copy.CopyOptions;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.Progress;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line: {@code java -jar cdk-ecr-deployment-handler.jar copy [options] SRC DEST} runs
 * the same engine as the custom resource (see {@link #USAGE}). Progress goes to stderr, the
 * destination digest is the last line on stdout; exit 0 on success, 1 when the copy fails, 2 on a
 * usage error, each failure with a one-line reason on stderr.
 */
public final class Main {
  /** Exit code of a failed copy. */
  public static final int EXIT_FAILED = 1;

  /** Exit code of a usage error. */
  public static final int EXIT_USAGE = 2;

  /** The {@code --help} text. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar cdk-ecr-deployment-handler.jar copy [options] SRC DEST",
          "",
          "Copies a container image, byte for byte, as the CDKECRDeployment custom resource does.",
          "",
          "  SRC   docker://[registry[:port]/]repository[:tag|@sha256:digest]",
          "        or s3://bucket/key[:ref] (a docker save / OCI archive)",
          "  DEST  docker://[registry[:port]/]repository[:tag]",
          "        Docker Hub short names work: docker://nginx is registry-1.docker.io/library/nginx:latest",
          "",
          "options:",
          "  --all                   copy the whole image index (every platform, attestation and nested",
          "                          index), pushed by digest, the index tagged last (CopyImageIndex)",
          "  --arch ARCH             copy only this architecture's image from an index, e.g. arm64,",
          "                          arm64/v8, arm/v7 (ImageArch); default linux/amd64",
          "  --arch-tag ARCH=TAG     with --all: also tag ARCH's image as TAG; repeatable (ArchImageTags)",
          "  --tag TAG               also tag the copied image as TAG in DEST's repository; repeatable",
          "                          (AdditionalTags); tags already at the digest are not pushed again",
          "  --src-creds C           source credentials (SrcCreds): USER:PASSWORD, or the name or ARN",
          "                          of a Secrets Manager secret holding USER:PASSWORD or",
          "                          {\"username\":...,\"password\":...}. Default: an ECR token for",
          "                          *.dkr.ecr.REGION.amazonaws.com and public.ecr.aws, else anonymous",
          "  --dest-creds C          destination credentials (DestCreds), same forms and defaults",
          "  --retry-attempts N      attempts of the whole copy, N >= 1 (RetryConfigs numAttempts);",
          "                          default 1. Single requests are always retried on 408/429/5xx/resets",
          "  --retry-base-delay S    first backoff between attempts, seconds > 0; default 1",
          "  --retry-max-delay S     largest backoff, seconds >= base delay; default 30",
          "  --src-tls-verify=false  do not verify the source's TLS certificate (local registries only)",
          "  --dest-tls-verify=false do not verify the destination's TLS certificate",
          "  --help                  show this text",
          "",
          "TLS trust comes from the JVM: to trust a private CA, run java with",
          "  -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=PASSWORD",
          "",
          "Progress (one line per blob) goes to stderr; the last line on stdout is the digest now at",
          "DEST. Exit status: 0 copied (or already there), 1 copy failed (including credentials",
          "that could not be resolved), 2 bad arguments.",
          "");

  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line in-process.
   *
   * @param args the arguments
   * @param out receives the help text and the digest
   * @param err receives progress and the one-line failure reason
   * @return the exit status
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Parsed parsed;
    try {
      if (args.length == 0) {
        throw new UsageException("missing command: use 'copy [options] SRC DEST' (see --help)");
      }
      for (String a : args) {
        if (a.equals("--help") || a.equals("-h")) {
          out.print(USAGE);
          out.flush();
          return 0;
        }
      }
      parsed = parse(args);
    } catch (UsageException | IllegalArgumentException e) {
      err.println("error: " + oneLine(e.getMessage()));
      err.flush();
      return EXIT_USAGE;
    }
    // AWS look-ups (Secrets Manager, ECR tokens) log only warnings, to stderr, redacted.
    Log log = new Log(err, Log.Level.WARN, Clock.systemUTC());
    try {
      AwsSettings aws = AwsSettings.defaults();
      CopyRequest request =
          parsed.toRequest(
              new CredentialResolver(aws, log).session(), new StderrProgress(err, log));
      CopyResult result = Copier.standard(aws).copy(request);
      err.println(
          result.pushedNothing()
              ? "docker://" + result.destination() + " already holds " + result.digest()
              : "copied to " + result.imageUri());
      err.flush();
      out.println(result.digest());
      out.flush();
      return 0;
    } catch (CopyException | CredentialException e) {
      // Every resolved password is registered with the log: none reaches the reason either.
      err.println("error: " + oneLine(log.scrub(e.getMessage())));
      err.flush();
      return EXIT_FAILED;
    } catch (IllegalArgumentException e) {
      err.println("error: " + oneLine(e.getMessage()));
      err.flush();
      return EXIT_USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return EXIT_FAILED;
    }
  }

  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The arguments, checked by the shared rules; TLS verification is command-line only. */
  private record Parsed(CopyOptions options, boolean srcTls, boolean destTls) {

    CopyRequest toRequest(CredentialResolver.Session creds, CopyListener listener)
        throws CredentialException {
      CopyOptions o = options;
      CopyRequest.Builder b =
          CopyRequest.builder(o.source(), o.destination())
              .destinationCredential(
                  credential(creds, "--dest-creds", o.destinationCreds(), o.destination()));
      if (o.source() instanceof SourceLocation.Docker docker) {
        b.sourceCredential(credential(creds, "--src-creds", o.sourceCreds(), docker.reference()));
      } else if (o.sourceCreds() != null) {
        throw new CredentialException(
            "--src-creds is for registry sources; an s3:// source is read with the AWS"
                + " credentials of this process");
      }
      return b.selection(o.selection())
          .archTags(o.archTags())
          .additionalTags(o.additionalTags())
          .retryPolicy(o.retryPolicy())
          .sourceTlsVerify(srcTls)
          .destinationTlsVerify(destTls)
          .listener(listener)
          .build();
    }
  }

  /**
   * Turns {@code --src-creds}/{@code --dest-creds} into a credential, as the custom resource does
   * for SrcCreds/DestCreds: the one place the command line resolves credentials.
   */
  static Credential credential(
      CredentialResolver.Session creds, String option, String spec, ImageReference image)
      throws CredentialException {
    return creds.resolve(option, spec, image);
  }

  private static Parsed parse(String[] args) throws UsageException {
    if (!args[0].equals("copy")) {
      throw new UsageException("unknown command '" + args[0] + "': use 'copy' (see --help)");
    }
    CopyOptions.Builder o = CopyOptions.builder(CopyOptions.Names.COMMAND_LINE);
    boolean srcTls = true;
    boolean destTls = true;
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "--all" -> {
          if (value != null) {
            throw new UsageException("--all takes no value, got '" + a + "'");
          }
          o.all(true);
        }
        case "--arch" -> o.arch(value != null ? value : next(args, ++i, name));
        case "--arch-tag" -> {
          String v = value != null ? value : next(args, ++i, name);
          int e = v.indexOf('=');
          if (e <= 0 || e == v.length() - 1) {
            throw new UsageException(
                "--arch-tag expects ARCH=TAG, e.g. arm64=v1-arm64, got '" + v + "'");
          }
          o.archTag(v.substring(0, e), v.substring(e + 1));
        }
        case "--tag" -> o.additionalTag(value != null ? value : next(args, ++i, name));
        case "--src-creds" -> o.sourceCreds(value != null ? value : next(args, ++i, name));
        case "--dest-creds" -> o.destinationCreds(value != null ? value : next(args, ++i, name));
        case "--retry-attempts" -> {
          String v = value != null ? value : next(args, ++i, name);
          try {
            o.attempts(Integer.parseInt(v.trim()));
          } catch (NumberFormatException e) {
            throw new UsageException(
                "--retry-attempts expects a whole number >= 1, got '" + v + "'");
          }
        }
        case "--retry-base-delay" -> {
          String v = value != null ? value : next(args, ++i, name);
          o.baseDelay(seconds(v, name), v);
        }
        case "--retry-max-delay" -> {
          String v = value != null ? value : next(args, ++i, name);
          o.maxDelay(seconds(v, name), v);
        }
        case "--src-tls-verify" ->
            srcTls = bool(value != null ? value : next(args, ++i, name), name);
        case "--dest-tls-verify" ->
            destTls = bool(value != null ? value : next(args, ++i, name), name);
        default -> {
          if (a.startsWith("-") && a.length() > 1) {
            throw new UsageException("unknown option '" + a + "' (see --help)");
          }
          positional.add(a);
        }
      }
    }
    if (positional.size() != 2) {
      throw new UsageException(
          "expected SRC and DEST after the options, got "
              + positional.size()
              + " argument(s) "
              + positional
              + "; e.g. copy docker://nginx:1.27 docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/nginx:1.27");
    }
    o.source(SourceLocation.parse(positional.get(0)));
    String destUri = positional.get(1);
    if (!destUri.startsWith("docker://")) {
      throw new UsageException(
          "DEST must be docker://[registry/]repository[:tag], got '" + destUri + "'");
    }
    o.destination(ImageReference.parse(destUri.substring("docker://".length())));
    return new Parsed(o.build(), srcTls, destTls);
  }

  private static String next(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value (see --help)");
    }
    return args[i];
  }

  private static Duration seconds(String value, String option) throws UsageException {
    try {
      BigDecimal s = new BigDecimal(value.trim());
      if (s.signum() <= 0) {
        throw new UsageException(option + " must be greater than 0 seconds, got '" + value + "'");
      }
      return Duration.ofNanos(s.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(option + " expects seconds such as 2 or 0.5, got '" + value + "'");
    }
  }

  private static boolean bool(String value, String option) throws UsageException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException(option + " expects true or false, got '" + value + "'");
    };
  }

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** One line per stage and per blob on stderr. */
  private static final class StderrProgress implements CopyListener {
    private final PrintStream err;
    private final Log log;

    /** Stage lines may quote a registry's answer: they pass the log's redaction too. */
    StderrProgress(PrintStream err, Log log) {
      this.err = err;
      this.log = log;
    }

    @Override
    public synchronized void stage(String message) {
      err.println(log.scrub(message));
      err.flush();
    }

    @Override
    public synchronized void blob(String digest, long size, BlobOutcome outcome, long nanos) {
      err.println(Progress.blobLine(digest, size, outcome, nanos));
      err.flush();
    }
  }
}
