package io.github.cdkecrdeployment.integ.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the example apps' folders are (their Docker contexts and archives). */
final class Examples {
  private Examples() {}

  /** {@code examples/<name>} of this repository. */
  static Path dir(String name) {
    Path dir = Path.of(System.getProperty("integ.examples.dir", "../examples")).resolve(name);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "example folder " + dir.toAbsolutePath() + " not found; set -Dinteg.examples.dir");
    }
    return dir.toAbsolutePath().normalize();
  }
}
