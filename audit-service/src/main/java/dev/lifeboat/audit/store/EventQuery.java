package dev.lifeboat.audit.store;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Which events to read: those after {@code afterSeq} matching every filter that is set, oldest
 * first, at most {@code limit}.
 */
public record EventQuery(
    long afterSeq,
    Optional<String> database,
    Optional<String> type,
    Optional<String> correlationId,
    Optional<OffsetDateTime> since,
    Optional<OffsetDateTime> until,
    Optional<Kind> kind,
    int limit) {

  public static EventQuery after(long afterSeq, int limit) {
    return new EventQuery(
        afterSeq,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit);
  }

  public EventQuery withAfter(long seq) {
    return new EventQuery(seq, database, type, correlationId, since, until, kind, limit);
  }

  public EventQuery withLimit(int max) {
    return new EventQuery(afterSeq, database, type, correlationId, since, until, kind, max);
  }

  /** Whether a stored entry passes the filters (not the position): for the live stream. */
  public boolean matches(StoredEntry e) {
    return database.map(d -> d.equals(e.database())).orElse(true)
        && type.map(t -> t.equals(e.type())).orElse(true)
        && correlationId.map(c -> c.equals(e.correlationId())).orElse(true)
        && since.map(s -> !e.time().isBefore(s)).orElse(true)
        && until.map(u -> e.time().isBefore(u)).orElse(true)
        && kind.map(k -> k == e.kind()).orElse(true);
  }
}
