package dev.lifeboat.health.catalog;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Backup verifications in the control database ({@code health.verifications}). */
@ApplicationScoped
public class VerificationRepository {
  private final Pool pool;
  private final CheckRepository checks;
  private final Outbox outbox;

  public VerificationRepository(Pool pool, CheckRepository checks, Outbox outbox) {
    this.pool = pool;
    this.checks = checks;
    this.outbox = outbox;
  }

  public Uni<Void> insert(Verification v) {
    return pool.preparedQuery(
            """
            INSERT INTO health.verifications (verification_id, backup_id, database, drill, status,
                                              correlation_id, requested_by, started_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
        .execute(
            Tuple.from(
                Arrays.asList(
                    v.verificationId(),
                    v.backupId(),
                    v.database(),
                    v.drill(),
                    v.status(),
                    v.correlationId(),
                    v.requestedBy(),
                    CheckRepository.utc(v.startedAt()))))
        .replaceWithVoid();
  }

  /** Records the scratch database before it is created, so a restart can drop a leftover. */
  public Uni<Void> scratch(String verificationId, String scratchDatabase) {
    return pool.preparedQuery(
            "UPDATE health.verifications SET scratch_database = $2 WHERE verification_id = $1")
        .execute(Tuple.of(verificationId, scratchDatabase))
        .replaceWithVoid();
  }

  /**
   * Stores the verdict of a running verification and, in the same transaction, its event ({@code
   * dev.lifeboat.backup.verified} or {@code verification-failed}) in the outbox; false when it was
   * no longer running, in which case neither is stored.
   */
  public Uni<Boolean> finish(Verification v, CloudEvent<?> verdict) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(
                    """
            UPDATE health.verifications
               SET status = $2, checksum_ok = $3, restored = $4, row_counts_match = $5, drill_millis = $6,
                   check_status = $7, findings = $8, reason = $9, finished_at = $10
             WHERE verification_id = $1 AND status = 'RUNNING'""")
                .execute(
                    Tuple.from(
                        Arrays.asList(
                            v.verificationId(),
                            v.status(),
                            v.checksumOk(),
                            v.restored(),
                            v.rowCountsMatch(),
                            v.drillMillis(),
                            v.checkStatus(),
                            checks.toJson(v.findings()),
                            v.reason(),
                            CheckRepository.utc(v.finishedAt()))))
                .chain(
                    rows ->
                        rows.rowCount() == 1
                            ? outbox.append(tx, verdict).replaceWith(true)
                            : Uni.createFrom().item(false)));
  }

  public Uni<Optional<Verification>> find(String verificationId) {
    return pool.preparedQuery("SELECT * FROM health.verifications WHERE verification_id = $1")
        .execute(Tuple.of(verificationId))
        .map(rows -> all(rows).stream().findFirst());
  }

  /** Newest first. */
  public Uni<List<Verification>> list(
      Optional<String> database, Optional<String> backupId, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM health.verifications
             WHERE ($1::text IS NULL OR database = $1) AND ($2::text IS NULL OR backup_id = $2)
             ORDER BY started_at DESC, verification_id DESC LIMIT $3""")
        .execute(Tuple.of(database.orElse(null), backupId.orElse(null), limit))
        .map(this::all);
  }

  /** Verifications that were running when the service stopped. */
  public Uni<List<Verification>> running() {
    return pool.query("SELECT * FROM health.verifications WHERE status = 'RUNNING'")
        .execute()
        .map(this::all);
  }

  /** When each database's backups last passed a verification, for the age gauges. */
  public Uni<List<Verification>> lastPassedPerDatabase() {
    return pool.query(
            """
            SELECT DISTINCT ON (database) * FROM health.verifications WHERE status = 'PASSED'
             ORDER BY database, finished_at DESC""")
        .execute()
        .map(this::all);
  }

  private List<Verification> all(RowSet<Row> rows) {
    List<Verification> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(from(row)));
    return list;
  }

  private Verification from(Row row) {
    return new Verification(
        row.getString("verification_id"),
        row.getString("backup_id"),
        row.getString("database"),
        row.getBoolean("drill"),
        row.getString("status"),
        row.getBoolean("checksum_ok"),
        row.getBoolean("restored"),
        row.getBoolean("row_counts_match"),
        row.getLong("drill_millis"),
        row.getString("scratch_database"),
        row.getString("check_status"),
        checks.fromJson(row.getJsonArray("findings")),
        row.getString("reason"),
        row.getString("correlation_id"),
        row.getString("requested_by"),
        CheckRepository.instant(row, "started_at"),
        CheckRepository.instant(row, "finished_at"));
  }
}
