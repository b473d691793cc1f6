-- One row per restore plan, from planning to its end.
CREATE TABLE restores (
    restore_id       text        PRIMARY KEY,
    database         text        NOT NULL,
    backup_id        text        NOT NULL,
    mode             text        NOT NULL CHECK (mode IN ('SWAP', 'NEW_DATABASE', 'IN_PLACE', 'TABLES')),
    tables           jsonb       NOT NULL DEFAULT '[]',
    new_database     text,
    safety_backup    boolean     NOT NULL,
    status           text        NOT NULL CHECK (status IN ('AWAITING_CONFIRMATION', 'CONFIRMED', 'RUNNING',
                                                            'COMPLETED', 'FAILED', 'CANCELLED')),
    -- SHA-256 of the confirmation code; the code itself is shown once and never stored.
    code_hash        text,
    failed_attempts  int         NOT NULL DEFAULT 0,
    expires_at       timestamptz NOT NULL,
    correlation_id   text        NOT NULL,
    planned_by       text        NOT NULL,
    planned_at       timestamptz NOT NULL,
    confirmed_by     text,
    confirmed_at     timestamptz,
    finished_at      timestamptz,
    finished_reason  text,
    -- The plan as shown to the responder: steps, data loss, estimate.
    plan             jsonb       NOT NULL
);

-- One restore per database at a time: planned, confirmed or running.
CREATE UNIQUE INDEX one_open_restore_per_database ON restores (database)
    WHERE status IN ('AWAITING_CONFIRMATION', 'CONFIRMED', 'RUNNING');
CREATE INDEX restores_by_database ON restores (database, planned_at DESC);
