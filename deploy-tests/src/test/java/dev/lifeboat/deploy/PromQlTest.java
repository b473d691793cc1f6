package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsMetricsNotFunctionsLabelsDurationsOrKeywords() {
    assertEquals(
        Set.of("lifeboat_backup_failures_total"),
        PromQl.metricNames(
            "sum by (database) (increase(lifeboat_backup_failures_total{database=~\"$database\"}[1h])) > 0\n"
                + "  or sum by (database) (lifeboat_backup_failures_total unless lifeboat_backup_failures_total offset 1h) > 0"));
    assertEquals(
        Set.of("lifeboat_last_successful_backup_timestamp_seconds"),
        PromQl.metricNames(
            "time() - max by (database) (lifeboat_last_successful_backup_timestamp_seconds) > 26 * 3600"));
    assertEquals(
        Set.of("up", "jvm_memory_used_bytes"),
        PromQl.metricNames(
            "up{service=~\"(backup|restore)-service\"} == 0 or sum by (pod) (jvm_memory_used_bytes{area=\"heap\"})"));
    assertEquals(
        Set.of("a_bucket"),
        PromQl.metricNames(
            "histogram_quantile(0.95, sum by (le) (rate(a_bucket[$__rate_interval])))"));
  }

  @Test
  void readsMeterBuildersFromSource() {
    var meters =
        RegisteredMetrics.meters(
            java.nio.file.Path.of("X.java"),
            """
            private static final String NAME = "lifeboat.things";
            Timer.builder("lifeboat.took").tag("a", b).publishPercentileHistogram().register(registry);
            Counter.builder(NAME).register(registry);
            Gauge.builder("lifeboat.age", epoch, e -> 1).baseUnit("seconds").register(registry);
            DistributionSummary.builder("lifeboat.size").baseUnit("bytes").register(registry);
            """);
    assertEquals(
        Set.of(
            "lifeboat_took_seconds_bucket",
            "lifeboat_took_seconds_count",
            "lifeboat_took_seconds_sum",
            "lifeboat_took_seconds_max",
            "lifeboat_things_total",
            "lifeboat_age_seconds",
            "lifeboat_size_bytes_count",
            "lifeboat_size_bytes_sum",
            "lifeboat_size_bytes_max"),
        RegisteredMetrics.seriesNames(meters));
  }
}
