package io.github.cdkecrdeployment.handler.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves forward by a fixed step every time it is read, so a deadline on it passes
 * after a known number of checks whatever the real time: tests of deadlines never depend on how
 * fast the machine is.
 */
public final class TickingClock extends Clock {
  private final AtomicReference<Instant> now;
  private final Duration step;

  /** Starts at the current time; each read adds {@code step}. */
  public TickingClock(Duration step) {
    this.now = new AtomicReference<>(Instant.now());
    this.step = step;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.getAndUpdate(i -> i.plus(step));
  }
}
