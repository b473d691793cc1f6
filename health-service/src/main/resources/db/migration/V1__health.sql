-- One row per database check, stored when it finished.
CREATE TABLE checks (
    check_id            text        PRIMARY KEY,
    database            text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('HEALTHY', 'DEGRADED', 'UNHEALTHY')),
    -- api, schedule, restore:<restoreId>, migration:<name>
    trigger             text        NOT NULL,
    baseline_backup_id  text,
    correlation_id      text        NOT NULL,
    -- The id of the event that triggered the check: a redelivered event runs no second check.
    trigger_event_id    text        UNIQUE,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz NOT NULL,
    latency_millis      bigint,
    findings            jsonb       NOT NULL
);
CREATE INDEX checks_by_database ON checks (database, started_at DESC);

-- One row per backup verification, from request to verdict.
CREATE TABLE verifications (
    verification_id     text        PRIMARY KEY,
    backup_id           text        NOT NULL,
    database            text        NOT NULL,
    drill               boolean     NOT NULL,
    status              text        NOT NULL CHECK (status IN ('RUNNING', 'PASSED', 'FAILED')),
    checksum_ok         boolean,
    restored            boolean,
    row_counts_match    boolean,
    drill_millis        bigint,
    -- Recorded before the scratch database is created, so a restart can drop what a crash left.
    scratch_database    text,
    check_status        text,
    findings            jsonb       NOT NULL DEFAULT '[]',
    reason              text,
    correlation_id      text        NOT NULL,
    requested_by        text        NOT NULL,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz
);
CREATE INDEX verifications_by_backup ON verifications (backup_id, started_at DESC);
CREATE INDEX verifications_by_database ON verifications (database, started_at DESC);
