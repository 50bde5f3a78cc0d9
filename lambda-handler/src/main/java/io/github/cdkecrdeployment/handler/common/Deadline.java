package io.github.cdkecrdeployment.handler.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A point in time past which a copy must stop. Immutable. */
public final class Deadline {
  private final Instant at;
  private final Clock clock;

  private Deadline(Instant at, Clock clock) {
    this.at = at;
    this.clock = clock;
  }

  /** A deadline at {@code at} on the system clock. */
  public static Deadline at(Instant at) {
    return new Deadline(Objects.requireNonNull(at, "at"), Clock.systemUTC());
  }

  /** A deadline {@code timeout} from now on the system clock. */
  public static Deadline after(Duration timeout) {
    return at(Instant.now().plus(timeout));
  }

  /** A deadline on the given clock (for tests). */
  public static Deadline at(Instant at, Clock clock) {
    return new Deadline(Objects.requireNonNull(at, "at"), Objects.requireNonNull(clock, "clock"));
  }

  /** No deadline (the command line without {@code --timeout}). */
  public static Deadline none() {
    return new Deadline(Instant.MAX, Clock.systemUTC());
  }

  /** When it expires. */
  public Instant instant() {
    return at;
  }

  /** Time left, never negative. */
  public Duration remaining() {
    if (at.equals(Instant.MAX)) {
      // Far enough to never matter, near enough to convert to milliseconds without overflow.
      return Duration.ofDays(365L * 100);
    }
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** True once the deadline has passed. */
  public boolean expired() {
    return !clock.instant().isBefore(at);
  }

  @Override
  public String toString() {
    return at.equals(Instant.MAX) ? "Deadline[none]" : "Deadline[" + at + "]";
  }
}
