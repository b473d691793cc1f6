package dev.lifeboat.audit.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.audit.store.StoredEntry;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One migration's log, as the runbooks' {@code migration-log.json} kept it by hand: the backups
 * taken for it, the checks against them, the restores of them, the pipeline's facts, who did each
 * thing, and the outcome.
 *
 * @param outcome {@code ROLLED_BACK} (a restore of one of its backups completed), else the last
 *     pipeline fact: {@code APPLIED}, {@code FAILED} or {@code IN_PROGRESS}; {@code BACKED_UP} when
 *     only its backup is known
 * @param health the status of the latest health check in the log, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationLog(
    String migration,
    List<String> databases,
    String outcome,
    String health,
    List<Backup> backups,
    List<Check> checks,
    List<Restore> restores,
    List<Entry> entries) {

  /** A line of the log. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      long auditseq,
      OffsetDateTime time,
      String type,
      String database,
      String actor,
      String correlationId,
      String summary) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Backup(
      String backupId,
      String database,
      String status,
      String requestedBy,
      String reason,
      OffsetDateTime requestedAt,
      OffsetDateTime completedAt,
      Long sizeBytes,
      Long durationMillis) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Check(
      String checkId,
      String database,
      String status,
      long findings,
      String baselineBackupId,
      OffsetDateTime checkedAt) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Restore(
      String restoreId,
      String database,
      String backupId,
      String status,
      String confirmedBy,
      OffsetDateTime plannedAt,
      OffsetDateTime endedAt) {}

  public static MigrationLog of(String migration, List<StoredEntry> unordered) {
    // In the order things happened: the audit log stores each topic's records in order, but a
    // command (on its own topic) and the events it caused (on lifeboat.events) in either order.
    List<StoredEntry> stored =
        unordered.stream()
            .sorted(
                Comparator.comparing((StoredEntry s) -> s.time() != null ? s.time() : s.storedAt())
                    .thenComparingLong(StoredEntry::auditseq))
            .toList();
    Set<String> databases = new LinkedHashSet<>();
    Map<String, Backup> backups = new LinkedHashMap<>();
    Map<String, String> requestedByCorrelation = new LinkedHashMap<>();
    Map<String, String> reasonByCorrelation = new LinkedHashMap<>();
    Map<String, OffsetDateTime> requestedAtByCorrelation = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    Map<String, Restore> restores = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    String lastFact = null;
    String health = null;
    boolean rolledBack = false;
    // The command comes on lifeboat.backup.requests, the backup's events on lifeboat.events: the
    // audit log may have stored either first, so who asked is looked up before anything else.
    for (StoredEntry s : stored) {
      if ("dev.lifeboat.backup.requested".equals(s.type())) {
        LoggedEvent e = LoggedEvent.of(s);
        requestedByCorrelation.putIfAbsent(s.correlationId(), e.text("requestedBy"));
        reasonByCorrelation.putIfAbsent(s.correlationId(), e.text("reason"));
        requestedAtByCorrelation.putIfAbsent(s.correlationId(), s.time());
      }
    }
    for (StoredEntry s : stored) {
      LoggedEvent e = LoggedEvent.of(s);
      if (s.database() != null) {
        databases.add(s.database());
      }
      entries.add(
          new Entry(
              s.auditseq(),
              s.time(),
              s.type(),
              s.database(),
              s.actor(),
              s.correlationId(),
              e.summary()));
      String type = e.type();
      if (type.startsWith("dev.lifeboat.migration.") && migration.equals(e.text("migration"))) {
        lastFact = type.substring("dev.lifeboat.migration.".length());
      }
      if (type.startsWith("dev.lifeboat.backup.") && e.text("backupId") != null) {
        String id = e.text("backupId");
        Backup b =
            backups.getOrDefault(
                id, new Backup(id, s.database(), "REQUESTED", null, null, null, null, null, null));
        String status =
            switch (type) {
              case "dev.lifeboat.backup.started", "dev.lifeboat.backup.progress" -> "RUNNING";
              case "dev.lifeboat.backup.completed" -> "COMPLETED";
              case "dev.lifeboat.backup.failed" -> "FAILED";
              case "dev.lifeboat.backup.pruned" -> "PRUNED";
              case "dev.lifeboat.backup.verified" -> "VERIFIED";
              case "dev.lifeboat.backup.verification-failed" -> "VERIFICATION_FAILED";
              default -> b.status();
            };
        boolean completed = type.equals("dev.lifeboat.backup.completed");
        backups.put(
            id,
            new Backup(
                id,
                b.database(),
                status,
                coalesce(b.requestedBy(), requestedByCorrelation.get(s.correlationId())),
                coalesce(b.reason(), reasonByCorrelation.get(s.correlationId())),
                coalesce(
                    b.requestedAt(), requestedAtByCorrelation.get(s.correlationId()), s.time()),
                completed ? s.time() : b.completedAt(),
                completed ? Long.valueOf(e.number("sizeBytes")) : b.sizeBytes(),
                completed ? Long.valueOf(e.number("durationMillis")) : b.durationMillis()));
      }
      if (type.equals("dev.lifeboat.health.checked")) {
        checks.add(
            new Check(
                e.text("checkId"),
                s.database(),
                e.text("status"),
                e.number("findings"),
                e.text("baselineBackupId"),
                s.time()));
        health = e.text("status");
      }
      if (type.startsWith("dev.lifeboat.restore.") && e.text("restoreId") != null) {
        String id = e.text("restoreId");
        Restore r =
            restores.getOrDefault(
                id,
                new Restore(id, s.database(), e.text("backupId"), "PLANNED", null, s.time(), null));
        String status =
            type.substring("dev.lifeboat.restore.".length()).toUpperCase(java.util.Locale.ROOT);
        boolean ended =
            status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED");
        rolledBack |= status.equals("COMPLETED");
        restores.put(
            id,
            new Restore(
                id,
                r.database(),
                coalesce(r.backupId(), e.text("backupId")),
                status.equals("PROGRESS") ? "RUNNING" : status,
                coalesce(r.confirmedBy(), e.text("confirmedBy")),
                r.plannedAt(),
                ended ? s.time() : r.endedAt()));
      }
    }
    String outcome;
    if (rolledBack) {
      outcome = "ROLLED_BACK";
    } else if (lastFact != null) {
      outcome =
          switch (lastFact) {
            case "applied" -> "APPLIED";
            case "failed" -> "FAILED";
            default -> "IN_PROGRESS";
          };
    } else {
      outcome = backups.isEmpty() ? "UNKNOWN" : "BACKED_UP";
    }
    return new MigrationLog(
        migration,
        List.copyOf(databases),
        outcome,
        health,
        List.copyOf(backups.values()),
        checks,
        List.copyOf(restores.values()),
        entries);
  }

  @SafeVarargs
  private static <T> T coalesce(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
