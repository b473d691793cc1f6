package dev.lifeboat.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of one method on one dataset.
 *
 * @param method short name for tables
 * @param command what was run, as an operator would type it
 * @param stores whether the method keeps its output (all but the limit)
 */
public record Series(String method, String command, boolean stores, List<Sample> samples) {
  public Series(String method, String command, boolean stores) {
    this(method, command, stores, new ArrayList<>());
  }

  public void add(Sample sample) {
    samples.add(sample);
  }

  public Duration best() {
    return Duration.ofNanos(
        samples.stream().mapToLong(s -> s.elapsed().toNanos()).min().orElseThrow());
  }

  public Duration median() {
    return Duration.ofNanos(
        Medians.of(samples.stream().mapToLong(s -> s.elapsed().toNanos()).toArray()));
  }

  /** Output sizes barely vary between runs (compressors are deterministic, dumps nearly so). */
  public long medianStoredBytes() {
    return Medians.of(samples.stream().mapToLong(Sample::storedBytes).toArray());
  }
}
