package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard in k8s/monitoring use only metric names that exist: the
 * ones Lifeboat's code registers (found in the sources, named by Micrometer's Prometheus registry)
 * and the ones every Quarkus service exposes (recorded from a running service in
 * builtin-metrics.txt).
 */
class MonitoringTest {
  private static final String RULES = "k8s/monitoring/prometheus-rules.yaml";
  private static final String DASHBOARD = "k8s/monitoring/grafana-dashboard.json";

  @Test
  void theCodeRegistersTheMetricsTheContractAndTheIssuesName() {
    Set<String> registered = RegisteredMetrics.seriesNames(RegisteredMetrics.meters());
    for (String name :
        List.of(
            "lifeboat_last_successful_backup_timestamp_seconds",
            "lifeboat_backup_failures_total",
            "lifeboat_backup_duration_seconds_bucket",
            "lifeboat_backup_stored_bytes_sum",
            "lifeboat_health_status",
            "lifeboat_backup_verification_age_seconds",
            "lifeboat_restore_drill_duration_seconds_count",
            "lifeboat_backup_verification_failures_total",
            "lifeboat_restore_failures_total")) {
      assertTrue(registered.contains(name), name + " is not registered; found " + registered);
    }
  }

  @Test
  void rulesAndDashboardUseOnlyRegisteredMetrics() throws IOException {
    Set<String> known = new TreeSet<>(RegisteredMetrics.seriesNames(RegisteredMetrics.meters()));
    known.addAll(builtin());
    Map<String, Set<String>> used = new LinkedHashMap<>();
    rules().forEach((alert, expr) -> used.put("alert " + alert, PromQl.metricNames(expr)));
    dashboardExpressions()
        .forEach(
            (panel, expr) ->
                used.computeIfAbsent("panel " + panel, p -> new TreeSet<>())
                    .addAll(PromQl.metricNames(expr)));
    List<String> unknown = new ArrayList<>();
    Set<String> all = new TreeSet<>();
    used.forEach(
        (where, names) -> {
          assertFalse(names.isEmpty(), where + " reads no metric");
          all.addAll(names);
          names.stream()
              .filter(n -> !known.contains(n))
              .forEach(n -> unknown.add(where + ": " + n));
        });
    assertEquals(List.of(), unknown, "metrics no service registers");
    // The dashboard and alerts cover every service that registers metrics of its own.
    assertTrue(all.stream().anyMatch(n -> n.startsWith("lifeboat_backup_")), all.toString());
    assertTrue(all.contains("lifeboat_health_status"), all.toString());
    assertTrue(all.stream().anyMatch(n -> n.startsWith("lifeboat_audit_")), all.toString());
  }

  @Test
  void theAlertsTheIssueAsksFor() {
    Map<String, String> rules = rules();
    assertTrue(
        rules
                .get("LifeboatNoRecentBackup")
                .contains("lifeboat_last_successful_backup_timestamp_seconds")
            && rules.get("LifeboatNoRecentBackup").contains("26 * 3600"),
        "no successful backup in 26 h");
    assertTrue(rules.get("LifeboatBackupFailed").contains("lifeboat_backup_failures_total"));
    assertTrue(
        rules
            .get("LifeboatBackupVerificationFailing")
            .contains("lifeboat_backup_verification_age_seconds"));
    assertTrue(
        rules
            .get("LifeboatBackupVerificationFailed")
            .contains("lifeboat_backup_verification_failures_total"));
    assertTrue(rules.get("LifeboatRestoreFailed").contains("lifeboat_restore_failures_total"));
    assertTrue(rules.get("LifeboatDatabaseUnhealthy").contains("lifeboat_health_status"));
    assertTrue(rules.get("LifeboatDatabaseUnhealthy").contains("== 2"), "2 is UNHEALTHY");
    JsonNode spec = Repo.yaml(RULES).path("spec");
    for (JsonNode group : spec.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertFalse(rule.path("labels").path("severity").asText().isEmpty(), alert + ": severity");
        assertFalse(
            rule.path("annotations").path("summary").asText().isEmpty(), alert + ": summary");
      }
    }
  }

  /**
   * The status gauge's numbers are the order of HealthEvents.Status, which the rules and dashboard
   * rely on.
   */
  @Test
  void healthStatusNumbersMatchTheEnumOrder() {
    String events = Repo.read("common/src/main/java/dev/lifeboat/common/events/HealthEvents.java");
    int healthy = events.indexOf("HEALTHY,");
    int degraded = events.indexOf("DEGRADED");
    int unhealthy = events.indexOf("UNHEALTHY");
    assertTrue(
        healthy >= 0 && healthy < degraded && degraded < unhealthy, "HEALTHY, DEGRADED, UNHEALTHY");
    assertTrue(
        Repo.read("health-service/src/main/java/dev/lifeboat/health/metrics/HealthMetrics.java")
            .contains(".set(value.ordinal())"));
  }

  @Test
  void dashboardPanelsHaveUniqueIdsAndUseTheDatasourceVariable() throws IOException {
    JsonNode dashboard = Repo.JSON.readTree(Repo.read(DASHBOARD));
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
      if (!panel.path("type").asText().equals("row")) {
        assertEquals(
            "${datasource}",
            panel.path("datasource").path("uid").asText(),
            panel.path("title").asText());
      }
    }
    assertEquals("lifeboat", dashboard.path("uid").asText());
  }

  private static Map<String, String> rules() {
    Map<String, String> rules = new LinkedHashMap<>();
    for (JsonNode group : Repo.yaml(RULES).path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rules.put(
            rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
      }
    }
    assertFalse(rules.isEmpty());
    return rules;
  }

  private static Map<String, String> dashboardExpressions() throws IOException {
    Map<String, String> expressions = new LinkedHashMap<>();
    JsonNode dashboard = Repo.JSON.readTree(Repo.read(DASHBOARD));
    for (JsonNode panel : dashboard.path("panels")) {
      int i = 0;
      for (JsonNode target : panel.path("targets")) {
        expressions.put(panel.path("title").asText() + " #" + i++, target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("definition").asText();
      if (query.startsWith("label_values(")) {
        expressions.put(
            "variable " + variable.path("name").asText(),
            query.substring("label_values(".length(), query.indexOf(',')));
      }
    }
    return expressions;
  }

  private static Set<String> builtin() {
    Set<String> names = new TreeSet<>();
    try (var in = MonitoringTest.class.getResourceAsStream("/builtin-metrics.txt")) {
      new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .forEach(names::add);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return names;
  }
}
