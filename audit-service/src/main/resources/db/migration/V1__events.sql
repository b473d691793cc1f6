-- The audit log: every event Lifeboat's topics carried, once, in the order it was stored.
CREATE TABLE events (
    -- Assigned at insert under an advisory lock held until commit, so that a reader never sees
    -- a higher auditseq before a lower one: cursors and the live stream rely on that.
    auditseq         bigserial   PRIMARY KEY,
    -- The CloudEvent id; for a dead letter, "dlq:<topic>:<partition>:<offset>" of the original.
    event_id         text        NOT NULL UNIQUE,
    kind             text        NOT NULL CHECK (kind IN ('EVENT', 'DEAD_LETTER')),
    type             text,
    database         text,
    correlation_id   text,
    -- The event's own time; the storing time when it has none.
    event_time       timestamptz NOT NULL,
    stored_at        timestamptz NOT NULL DEFAULT now(),
    -- Who did it, when the event says: requestedBy, confirmedBy, cancelledBy, a pipeline's source.
    actor            text,
    source           text,
    -- data.migration and data.backupId (or baselineBackupId): what the migration log joins on.
    migration        text,
    backup_id        text,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    -- Why a dead letter was dead-lettered (its dead-letter-reason header).
    reason           text,
    -- The event as received (structured mode; a binary-mode event is stored in structured form).
    -- A dead letter's bytes when they are JSON, with credential-named fields redacted.
    payload          jsonb,
    -- Set once the event went out on lifeboat.audit; a redelivered batch republishes the rest.
    published        boolean     NOT NULL DEFAULT false
);

CREATE INDEX events_by_type ON events (type, auditseq);
CREATE INDEX events_by_database ON events (database, auditseq);
CREATE INDEX events_by_correlation ON events (correlation_id, auditseq);
CREATE INDEX events_by_time ON events (event_time);
CREATE INDEX events_by_actor ON events (actor) WHERE actor IS NOT NULL;
CREATE INDEX events_by_migration ON events (migration) WHERE migration IS NOT NULL;
CREATE INDEX events_by_backup ON events (backup_id) WHERE backup_id IS NOT NULL;
