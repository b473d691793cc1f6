package dev.lifeboat.audit.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The audit log in the control database ({@code audit.events}). */
@ApplicationScoped
public class AuditRepository {
  /**
   * Held by every inserting transaction until it commits, across all instances: auditseq values
   * then become visible in increasing order, so a reader that has seen seq n has seen every stored
   * event below n. (The key is arbitrary; it only has to be the same everywhere.)
   */
  private static final long INSERT_LOCK = 0x6c69_6665_626f_6174L;

  static final String COLUMNS =
      "auditseq, event_id, kind, type, database, correlation_id, event_time, stored_at, actor,"
          + " source, migration, backup_id, source_topic, source_partition, source_offset, reason,"
          + " payload::text AS payload";

  private static final String INSERT =
      """
      INSERT INTO audit.events (event_id, kind, type, database, correlation_id, event_time, actor, source,
                                migration, backup_id, source_topic, source_partition, source_offset, reason, payload)
      SELECT e, k, t, d, c, tm, a, s, m, b, tp, p, o, r, pl::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                    $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::bigint[], $14::text[],
                    $15::text[])
             WITH ORDINALITY AS x(e, k, t, d, c, tm, a, s, m, b, tp, p, o, r, pl, n)
       ORDER BY n
      ON CONFLICT (event_id) DO NOTHING
      RETURNING auditseq, event_id, stored_at""";

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores the entries in one transaction, in their order; those whose id is already stored (a
   * redelivery) are left out. Returns the newly stored ones, by auditseq.
   */
  public Uni<List<StoredEntry>> insert(List<NewEntry> entries) {
    if (entries.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    int n = entries.size();
    String[] ids = new String[n];
    String[] kinds = new String[n];
    String[] types = new String[n];
    String[] databases = new String[n];
    String[] correlations = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] actors = new String[n];
    String[] sources = new String[n];
    String[] migrations = new String[n];
    String[] backups = new String[n];
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    String[] reasons = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      NewEntry e = entries.get(i);
      ids[i] = e.eventId();
      kinds[i] = e.kind().name();
      types[i] = e.type();
      databases[i] = e.database();
      correlations[i] = e.correlationId();
      times[i] = e.time();
      actors[i] = e.actor();
      sources[i] = e.source();
      migrations[i] = e.migration();
      backups[i] = e.backupId();
      topics[i] = e.topic();
      partitions[i] = e.partition();
      offsets[i] = e.offset();
      reasons[i] = e.reason();
      payloads[i] = e.payload();
    }
    Tuple params =
        Tuple.tuple()
            .addArrayOfString(ids)
            .addArrayOfString(kinds)
            .addArrayOfString(types)
            .addArrayOfString(databases)
            .addArrayOfString(correlations)
            .addArrayOfOffsetDateTime(times)
            .addArrayOfString(actors)
            .addArrayOfString(sources)
            .addArrayOfString(migrations)
            .addArrayOfString(backups)
            .addArrayOfString(topics)
            .addArrayOfInteger(partitions)
            .addArrayOfLong(offsets)
            .addArrayOfString(reasons)
            .addArrayOfString(payloads);
    return pool.withTransaction(
            connection ->
                connection
                    .preparedQuery("SELECT pg_advisory_xact_lock($1)")
                    .execute(Tuple.of(INSERT_LOCK))
                    .chain(() -> connection.preparedQuery(INSERT).execute(params)))
        .map(rows -> stored(entries, rows));
  }

  private static List<StoredEntry> stored(List<NewEntry> entries, RowSet<Row> rows) {
    Map<String, NewEntry> byId = new HashMap<>();
    for (NewEntry e : entries) {
      byId.putIfAbsent(e.eventId(), e);
    }
    List<StoredEntry> stored = new ArrayList<>(rows.size());
    for (Row row : rows) {
      stored.add(
          StoredEntry.of(
              byId.get(row.getString("event_id")),
              row.getLong("auditseq"),
              row.getOffsetDateTime("stored_at")));
    }
    stored.sort(Comparator.comparingLong(StoredEntry::auditseq));
    return stored;
  }

  /**
   * Of these ids, the stored events not republished on {@code lifeboat.audit}: those stored from a
   * record beyond its partition's republished offset. The service stopped between storing a batch
   * and republishing it, and the batch came again. (A second copy of an event, from a later record,
   * finds the first copy's row republished already.)
   */
  public Uni<List<StoredEntry>> unpublished(List<String> eventIds) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + """
                 FROM audit.events e
                WHERE e.event_id = ANY($1)
                  AND e.source_offset > coalesce(
                        (SELECT r.source_offset FROM audit.republished r
                          WHERE r.source_topic = e.source_topic AND r.source_partition = e.source_partition), -1)
                ORDER BY e.auditseq""")
        .execute(Tuple.tuple().addArrayOfString(eventIds.toArray(String[]::new)))
        .map(AuditRepository::all);
  }

  /** A source partition's records, up to {@code offset}, are all stored and republished. */
  public record Position(String topic, int partition, long offset) {}

  public Uni<Void> markRepublished(List<Position> positions) {
    if (positions.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return pool.preparedQuery(
            """
            INSERT INTO audit.republished (source_topic, source_partition, source_offset)
            SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
            ON CONFLICT (source_topic, source_partition)
            DO UPDATE SET source_offset = greatest(republished.source_offset, excluded.source_offset)""")
        .execute(
            Tuple.tuple()
                .addArrayOfString(positions.stream().map(Position::topic).toArray(String[]::new))
                .addArrayOfInteger(
                    positions.stream().map(Position::partition).toArray(Integer[]::new))
                .addArrayOfLong(positions.stream().map(Position::offset).toArray(Long[]::new)))
        .replaceWithVoid();
  }

  /** The events after the query's position that match its filters, oldest first. */
  public Uni<List<StoredEntry>> find(EventQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM audit.events WHERE auditseq > $1");
    List<Object> params = new ArrayList<>();
    params.add(q.afterSeq());
    q.database().ifPresent(v -> condition(sql, params, "database = $", v));
    q.type().ifPresent(v -> condition(sql, params, "type = $", v));
    q.correlationId().ifPresent(v -> condition(sql, params, "correlation_id = $", v));
    q.since().ifPresent(v -> condition(sql, params, "event_time >= $", v));
    q.until().ifPresent(v -> condition(sql, params, "event_time < $", v));
    q.kind().ifPresent(v -> condition(sql, params, "kind = $", v.name()));
    params.add(q.limit());
    sql.append(" ORDER BY auditseq LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(AuditRepository::all);
  }

  private static void condition(StringBuilder sql, List<Object> params, String clause, Object v) {
    params.add(v);
    sql.append(" AND ").append(clause).append(params.size());
  }

  /** Every event after {@code afterSeq} up to and including {@code upToSeq}. */
  public Uni<List<StoredEntry>> range(long afterSeq, long upToSeq) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM audit.events WHERE auditseq > $1 AND auditseq <= $2 ORDER BY auditseq")
        .execute(Tuple.of(afterSeq, upToSeq))
        .map(AuditRepository::all);
  }

  /** The newest events, newest first. */
  public Uni<List<StoredEntry>> newest(int limit) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM audit.events ORDER BY auditseq DESC LIMIT $1")
        .execute(Tuple.of(limit))
        .map(AuditRepository::all);
  }

  /** The highest auditseq stored, 0 when the log is empty. */
  public Uni<Long> lastSeq() {
    return pool.query("SELECT coalesce(max(auditseq), 0) AS last FROM audit.events")
        .execute()
        .map(rows -> rows.iterator().next().getLong("last"));
  }

  /** Every event of one piece of work, in order. */
  public Uni<List<StoredEntry>> byCorrelation(String correlationId, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM audit.events WHERE correlation_id = $1 ORDER BY auditseq LIMIT $2")
        .execute(Tuple.of(correlationId, limit))
        .map(AuditRepository::all);
  }

  /** The events of one database of the given types stored after (or before) a time. */
  public Uni<List<StoredEntry>> ofDatabase(
      String database,
      List<String> types,
      OffsetDateTime from,
      OffsetDateTime to,
      boolean newestFirst,
      int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM audit.events WHERE database = $1 AND type = ANY($2)"
                + " AND event_time >= $3 AND event_time <= $4 ORDER BY auditseq "
                + (newestFirst ? "DESC" : "ASC")
                + " LIMIT $5")
        .execute(
            Tuple.tuple()
                .addString(database)
                .addArrayOfString(types.toArray(String[]::new))
                .addOffsetDateTime(from)
                .addOffsetDateTime(to)
                .addInteger(limit))
        .map(AuditRepository::all);
  }

  /** The first event of a type about a backup. */
  public Uni<java.util.Optional<StoredEntry>> firstAboutBackup(String backupId, String type) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM audit.events WHERE backup_id = $1 AND type = $2 ORDER BY auditseq LIMIT 1")
        .execute(Tuple.of(backupId, type))
        .map(rows -> all(rows).stream().findFirst());
  }

  /**
   * A migration's log: its own events (those naming it), every event correlated with them, and
   * every event about the backups taken for it (checks against them as a baseline, verifications,
   * restores of them and all that those restores did).
   */
  public Uni<List<StoredEntry>> migrationLog(String migration, int limit) {
    return pool.preparedQuery(
            """
            WITH own AS (
                SELECT correlation_id, backup_id FROM audit.events WHERE migration = $1
            ), backups AS (
                SELECT DISTINCT backup_id FROM own WHERE backup_id IS NOT NULL
            ), about_backups AS (
                SELECT correlation_id FROM audit.events WHERE backup_id IN (SELECT backup_id FROM backups)
            ), correlations AS (
                SELECT correlation_id FROM own UNION SELECT correlation_id FROM about_backups
            )
            SELECT %s FROM audit.events
             WHERE kind = 'EVENT'
               AND (migration = $1
                    OR backup_id IN (SELECT backup_id FROM backups)
                    OR correlation_id IN (SELECT correlation_id FROM correlations))
             ORDER BY auditseq
             LIMIT $2"""
                .formatted(COLUMNS))
        .execute(Tuple.of(migration, limit))
        .map(AuditRepository::all);
  }

  static List<StoredEntry> all(RowSet<Row> rows) {
    List<StoredEntry> entries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      entries.add(from(row));
    }
    return entries;
  }

  static StoredEntry from(Row row) {
    return new StoredEntry(
        row.getLong("auditseq"),
        row.getString("event_id"),
        Kind.valueOf(row.getString("kind")),
        row.getString("type"),
        row.getString("database"),
        row.getString("correlation_id"),
        row.getOffsetDateTime("event_time"),
        row.getOffsetDateTime("stored_at"),
        row.getString("actor"),
        row.getString("source"),
        row.getString("migration"),
        row.getString("backup_id"),
        row.getString("source_topic"),
        row.getInteger("source_partition"),
        row.getLong("source_offset"),
        row.getString("reason"),
        row.getString("payload"));
  }
}
