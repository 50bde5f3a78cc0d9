package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.common.Deadline;
import io.github.cdkecrdeployment.handler.common.DeadlineException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one bounded worker pool of a copy: at most {@code size} tasks at once, the first failure
 * cancels the others, and waiting never outlasts the deadline (a task stuck in a socket read
 * ignores interrupts, so the wait itself is bounded). Daemon threads: a copy given up never keeps
 * the process alive. Close it to stop what still runs.
 */
public final class Workers implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ExecutorService pool;
  private final int size;
  private final Deadline deadline;

  /**
   * Work that may fail.
   *
   * @param <T> its result
   */
  @FunctionalInterface
  public interface Task<T> {
    /** Does the work. */
    T run() throws Exception;
  }

  /**
   * A pool of {@code size} threads under {@code deadline}.
   *
   * @param name thread name prefix
   */
  public Workers(String name, int size, Deadline deadline) {
    if (size < 1) {
      throw new IllegalArgumentException("a worker pool needs at least 1 thread, got " + size);
    }
    this.size = size;
    this.deadline = deadline;
    int pool = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            size,
            r -> {
              Thread t = new Thread(r, name + "-" + pool + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Threads in the pool. */
  public int size() {
    return size;
  }

  /**
   * Runs the tasks and returns their results in task order.
   *
   * @throws DeadlineException when the deadline passes first (the tasks are cancelled)
   * @throws Exception the first task failure, as thrown
   */
  public <T> List<T> all(List<? extends Task<T>> tasks) throws Exception {
    if (tasks.isEmpty()) {
      return List.of();
    }
    ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
    List<Future<T>> futures = new ArrayList<>();
    for (Task<T> task : tasks) {
      futures.add(done.submit(task::run));
    }
    try {
      for (int i = 0; i < futures.size(); i++) {
        Future<T> f = done.poll(waitMillis(deadline), TimeUnit.MILLISECONDS);
        if (f == null) {
          throw new DeadlineException("stopped waiting for " + (futures.size() - i) + " tasks");
        }
        try {
          f.get();
        } catch (ExecutionException e) {
          throw unwrap(e);
        } catch (CancellationException e) {
          throw new InterruptedIOException("a task was cancelled");
        }
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (Exception e) {
      futures.forEach(x -> x.cancel(true));
      throw e;
    }
  }

  /** Runs one task and waits for it under the deadline. */
  public <T> T one(Task<T> task) throws Exception {
    return all(List.of(task)).get(0);
  }

  /**
   * Runs {@code task} on a daemon thread of its own and waits at most until {@code deadline}: the
   * caller gets an answer in time whatever the task does.
   */
  public static <T> T within(String name, Deadline deadline, Task<T> task) throws Exception {
    try (Workers w = new Workers(name, 1, deadline)) {
      return w.one(task);
    }
  }

  private static long waitMillis(Deadline deadline) {
    long left = Math.min(deadline.remaining().toMillis(), 86_400_000L);
    return Math.max(left, 1);
  }

  private static Exception unwrap(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof Exception ex) {
      return ex;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new IOException(c);
  }

  /** Interrupts what still runs. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
