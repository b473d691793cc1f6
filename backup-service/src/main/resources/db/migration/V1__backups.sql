-- One row per backup, from the moment it is requested. The row is the catalog the API lists;
-- the manifest in object storage is what makes a completed backup exist.
CREATE TABLE backups (
    backup_id        text        PRIMARY KEY,
    database         text        NOT NULL,
    -- The CloudEvent id (or Idempotency-Key) of the request: the same command yields one backup.
    command_id       text        NOT NULL UNIQUE,
    correlation_id   text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('REQUESTED', 'RUNNING', 'COMPLETED', 'FAILED', 'DELETED')),
    reason           text,
    migration        text,
    requested_by     text,
    labels           jsonb       NOT NULL DEFAULT '{}',
    requested_at     timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    bytes_dumped     bigint      NOT NULL DEFAULT 0,
    bytes_stored     bigint      NOT NULL DEFAULT 0,
    bytes_per_second bigint      NOT NULL DEFAULT 0,
    failure_reason   text,
    pinned           boolean     NOT NULL DEFAULT false,
    verified_at      timestamptz,
    manifest         jsonb,
    deleted_at       timestamptz,
    deleted_reason   text
);

CREATE INDEX backups_by_database ON backups (database, requested_at DESC);
CREATE INDEX backups_newest ON backups (requested_at DESC);
