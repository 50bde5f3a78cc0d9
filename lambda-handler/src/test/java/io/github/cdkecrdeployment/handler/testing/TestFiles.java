package io.github.cdkecrdeployment.handler.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Small file and thread utilities shared by the harness. */
public final class TestFiles {
  private TestFiles() {}

  /** Deletes a directory tree when the JVM exits. */
  public static void deleteOnExit(Path dir) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
  }

  /** Deletes a directory tree, ignoring failures (best effort cleanup). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp dir left behind is harmless
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** A cached pool of daemon threads, so a forgotten server never keeps a JVM alive. */
  static ExecutorService daemonPool(String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
