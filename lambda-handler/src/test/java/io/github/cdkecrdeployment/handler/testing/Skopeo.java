package io.github.cdkecrdeployment.handler.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * skopeo (Debian package {@code skopeo}, 1.9) as the oracle: what it sees at a reference and what
 * its own copy produces. Trust comes from {@link TestCa#certDir()}.
 */
public final class Skopeo {
  /** The binary. */
  public static final Path BINARY = Path.of("/usr/bin/skopeo");

  private Skopeo() {}

  /** {@code skopeo inspect --raw docker://REF}: the exact manifest bytes skopeo receives. */
  public static byte[] inspectRaw(RegistryServer registry, String repoAndRef) throws IOException {
    List<String> args = new ArrayList<>(List.of("inspect", "--raw"));
    args.add("--cert-dir=" + registry.ca().certDir());
    if (registry.credentialString() != null) {
      args.add("--creds=" + registry.credentialString());
    }
    args.add("docker://" + registry.host() + "/" + repoAndRef);
    return run(args, 120).getBytes(StandardCharsets.UTF_8);
  }

  /** The digest of what skopeo sees at {@code repo:tag} (sha256 of {@code inspect --raw}). */
  public static String digest(RegistryServer registry, String repoAndRef) throws IOException {
    return TestImages.sha256(inspectRaw(registry, repoAndRef));
  }

  /**
   * {@code skopeo copy [extra…] docker://SRC docker://DEST}; returns the digest skopeo wrote
   * ({@code --digestfile}).
   *
   * @param extra e.g. {@code --all}, {@code --override-arch=arm64}
   */
  public static String copy(
      RegistryServer src, String srcRef, RegistryServer dest, String destRef, String... extra)
      throws IOException {
    Path digestFile = Files.createTempFile("skopeo-digest", ".txt");
    try {
      List<String> args = new ArrayList<>(List.of("copy", "--quiet"));
      args.addAll(src.skopeoArgs("src"));
      args.addAll(dest.skopeoArgs("dest"));
      args.add("--digestfile=" + digestFile);
      args.addAll(List.of(extra));
      args.add("docker://" + src.host() + "/" + srcRef);
      args.add("docker://" + dest.host() + "/" + destRef);
      run(args, 3600);
      return Files.readString(digestFile).trim();
    } finally {
      Files.deleteIfExists(digestFile);
    }
  }

  /** Runs skopeo with arguments; returns stdout; fails with stderr on non-zero exit. */
  public static String run(List<String> args, long timeoutSeconds) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing; install it with: apt-get install skopeo");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY.toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("skopeo", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("skopeo timed out: " + String.join(" ", args));
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            "skopeo " + String.join(" ", redact(args)) + " failed: " + Files.readString(err));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static List<String> redact(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.add(a.contains("creds=") ? a.substring(0, a.indexOf('=') + 1) + "<redacted>" : a);
    }
    return out;
  }
}
