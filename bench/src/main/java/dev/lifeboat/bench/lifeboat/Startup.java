package dev.lifeboat.bench.lifeboat;

import java.time.Duration;

/**
 * How a service's start went in a benchmark.
 *
 * @param launch how it was started
 * @param timeToReady from starting its process to {@code /q/health/ready} answering 200
 * @param idleResidentBytes its VmRSS right after it was ready, before any work
 */
public record Startup(ServiceLaunch launch, Duration timeToReady, long idleResidentBytes) {

  /**
   * Measures a service that has just answered ready.
   *
   * @param startedNanos {@link System#nanoTime()} just before its process started
   */
  public static Startup measure(ServiceLaunch launch, long startedNanos, long pid) {
    Duration timeToReady = Duration.ofNanos(System.nanoTime() - startedNanos);
    return new Startup(launch, timeToReady, new ProcessMemory(pid).residentBytes());
  }

  public String service() {
    return launch.service();
  }
}
