package dev.lifeboat.common.outbox;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.messaging.Topics;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The transactional outbox: a service writes the event that describes a state change into its
 * schema's {@code outbox} table in the same transaction as the change, and {@link OutboxRelay}
 * publishes it afterwards. A state change is then never without its event, nor an event without its
 * state change (the dual write of "commit, then publish" loses the event when the service stops or
 * the broker is down in between). Delivery is at least once: consumers dedupe by CloudEvent id.
 *
 * <p>The table is created by each adopting service's own Flyway migration (same DDL everywhere,
 * docs/events.md#delivery). All of the outbox's SQL is here.
 */
@ApplicationScoped
@IfBuildProperty(name = "lifeboat.outbox.enabled", stringValue = "true")
public class Outbox {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** An unsent row, as the relay claims it. */
  public record Pending(long seq, String eventId, String topic, String key, String payload) {
    public byte[] bytes() {
      return payload.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Unsent rows: how many, and when the oldest was written (null: none). */
  public record Backlog(long count, Instant oldest) {}

  private final CloudEventCodec codec;
  private final String table;

  @Inject
  public Outbox(CloudEventCodec codec, OutboxConfig config) {
    this(
        codec,
        config
            .schema()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "lifeboat.outbox.schema must name the schema that holds the service's"
                            + " outbox table")));
  }

  /** An outbox in the given schema's {@code outbox} table. */
  public Outbox(CloudEventCodec codec, String schema) {
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "lifeboat.outbox.schema must be a plain lower-case schema name, not '" + schema + "'");
    }
    this.codec = codec;
    this.table = schema + ".outbox";
  }

  /**
   * Adds a lifecycle event for {@code lifeboat.events}, keyed by its subject (the database), to the
   * transaction {@code tx}: it is published once the transaction commits, and never if it rolls
   * back. Appending an event whose id is already in the outbox for that topic does nothing.
   */
  public Uni<Void> append(SqlConnection tx, CloudEvent<?> event) {
    return append(tx, Topics.EVENTS, event.subject(), event);
  }

  /** Adds an event for another topic or with another key (a command, for one). */
  public Uni<Void> append(SqlConnection tx, String topic, String key, CloudEvent<?> event) {
    return tx.preparedQuery(
            "INSERT INTO "
                + table
                + " (event_id, topic, record_key, payload) VALUES ($1, $2, $3, $4)"
                + " ON CONFLICT (topic, event_id) DO NOTHING")
        .execute(
            Tuple.of(
                event.id(), topic, key, new String(codec.encode(event), StandardCharsets.UTF_8)))
        .replaceWithVoid();
  }

  /**
   * Locks up to {@code limit} of the oldest unsent rows for the transaction {@code tx}, skipping
   * rows another relay holds, then keeps only those that may go out now: a row whose key has an
   * older unsent row that this transaction does not hold waits, so each key's events are published
   * in the order they were written.
   */
  Uni<List<Pending>> claim(SqlConnection tx, int limit) {
    return tx.preparedQuery(
            "SELECT seq, event_id, topic, record_key, payload FROM "
                + table
                + " WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<Pending> claimed = new ArrayList<>(rows.size());
              rows.forEach(row -> claimed.add(pending(row)));
              return claimed;
            })
        .chain(claimed -> inKeyOrder(tx, claimed));
  }

  private Uni<List<Pending>> inKeyOrder(SqlConnection tx, List<Pending> claimed) {
    Set<String> keys = new HashSet<>();
    long last = 0;
    for (Pending p : claimed) {
      if (p.key() != null) {
        keys.add(p.key());
      }
      last = Math.max(last, p.seq());
    }
    if (keys.isEmpty()) {
      return Uni.createFrom().item(claimed);
    }
    // Plain reads do not wait for locks: this sees the rows other relays hold, too.
    return tx.preparedQuery(
            "SELECT seq, record_key FROM "
                + table
                + " WHERE sent_at IS NULL AND record_key = ANY($1) AND seq <= $2 ORDER BY seq")
        .execute(Tuple.of(keys.toArray(String[]::new), last))
        .map(
            unsent -> {
              Set<Long> ours = new HashSet<>();
              claimed.forEach(p -> ours.add(p.seq()));
              Map<String, Boolean> blocked = new HashMap<>();
              Set<Long> publishable = new HashSet<>();
              for (Row row : unsent) {
                String key = row.getString("record_key");
                long seq = row.getLong("seq");
                if (blocked.getOrDefault(key, false) || !ours.contains(seq)) {
                  blocked.put(key, true);
                } else {
                  publishable.add(seq);
                }
              }
              return claimed.stream()
                  .filter(p -> p.key() == null || publishable.contains(p.seq()))
                  .toList();
            });
  }

  /** Marks rows as sent, in the transaction that claimed them. */
  Uni<Void> markSent(SqlConnection tx, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return tx.preparedQuery("UPDATE " + table + " SET sent_at = now() WHERE seq = ANY($1)")
        .execute(Tuple.of(seqs.toArray(Long[]::new)))
        .replaceWithVoid();
  }

  /** Deletes rows sent longer than {@code retention} ago; the number deleted. */
  Uni<Integer> prune(SqlClient client, Duration retention) {
    return client
        .preparedQuery(
            "DELETE FROM "
                + table
                + " WHERE sent_at < now() - make_interval(secs => $1::double precision)")
        .execute(Tuple.of(retention.toMillis() / 1000.0))
        .map(rows -> rows.rowCount());
  }

  /** The unsent rows, for the gauges. */
  Uni<Backlog> backlog(SqlClient client) {
    return client
        .query(
            "SELECT count(*) AS pending, min(created_at) AS oldest FROM "
                + table
                + " WHERE sent_at IS NULL")
        .execute()
        .map(
            rows -> {
              Row row = rows.iterator().next();
              OffsetDateTime oldest = row.getOffsetDateTime("oldest");
              return new Backlog(
                  row.getLong("pending"), oldest == null ? null : oldest.toInstant());
            });
  }

  private static Pending pending(Row row) {
    return new Pending(
        row.getLong("seq"),
        row.getString("event_id"),
        row.getString("topic"),
        row.getString("record_key"),
        row.getString("payload"));
  }
}
