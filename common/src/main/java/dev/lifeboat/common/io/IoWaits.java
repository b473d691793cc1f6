package dev.lifeboat.common.io;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * The one bound on a worker thread's wait for I/O: a query on the control database, a write to
 * storage, a send to the broker. A dependency that stops answering must turn into an error that the
 * caller handles (retry, readiness DOWN, a failed step), never into a thread that waits for ever
 * and a request that looks alive while nothing moves.
 *
 * <p>Thirty seconds is far above any healthy round trip and below the time after which stuck work
 * is reported, so a lost dependency shows up as a timeout before it shows up as silence.
 */
public final class IoWaits {
  /** How long a worker waits for one I/O round trip before giving up on it. */
  public static final Duration LIMIT = Duration.ofSeconds(30);

  private IoWaits() {}

  /**
   * The item {@code io} yields, waiting at most {@link #LIMIT}.
   *
   * @throws io.smallrye.mutiny.TimeoutException when the dependency did not answer in time
   */
  public static <T> T await(Uni<T> io) {
    return io.await().atMost(LIMIT);
  }
}
