package dev.lifeboat.bench.measure;

import java.time.Duration;

/**
 * One timed run of a backup method.
 *
 * @param storedBytes what it left in storage; 0 for the limit, which writes to /dev/null
 */
public record Sample(Duration elapsed, long storedBytes) {}
