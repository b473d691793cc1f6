package dev.lifeboat.bench.report;

import dev.lifeboat.bench.datasets.Dataset;
import dev.lifeboat.bench.measure.Series;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything measured on one dataset.
 *
 * @param databaseBytes {@code pg_database_size} before the runs
 * @param standardToS3 the same work as Lifeboat's done with the standard tools; empty when the
 *     {@code aws} CLI is not on the PATH
 * @param lifeboatDumpBytes pg_dump's output before Lifeboat compressed it (median)
 * @param serviceReported the backup's duration as backup-service reports it (median): without the
 *     command's and the event's trips through Kafka
 * @param peakRssBytes backup-service's VmHWM across this dataset's backups
 */
public record DatasetResult(
    Dataset dataset,
    long databaseBytes,
    Series limit,
    Series customFormat,
    Series gzipScript,
    Optional<Series> standardToS3,
    Series lifeboat,
    long lifeboatDumpBytes,
    Duration serviceReported,
    long peakRssBytes) {

  List<Series> all() {
    return Stream.concat(
            Stream.concat(Stream.of(limit, customFormat, gzipScript), standardToS3.stream()),
            Stream.of(lifeboat))
        .toList();
  }
}
