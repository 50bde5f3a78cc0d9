package io.github.cdkecrdeployment.integ;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Per-test work directories under the build's {@code target/integ-work}. */
public final class WorkDirs {
  private WorkDirs() {}

  /** A fresh directory named after {@code owner} (kept after the run for inspection). */
  public static Path create(Class<?> owner) throws IOException {
    Path root = Path.of(System.getProperty("integ.work.dir", "target/integ-work"));
    Files.createDirectories(root);
    return Files.createTempDirectory(root, owner.getSimpleName() + "-");
  }
}
