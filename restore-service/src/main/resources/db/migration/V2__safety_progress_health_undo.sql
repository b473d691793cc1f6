-- The safety backup taken before the restore (its command id makes a redelivered restore ask once).
ALTER TABLE restores ADD COLUMN safety_command_id text;
ALTER TABLE restores ADD COLUMN safety_backup_id text;
ALTER TABLE restores ADD COLUMN safety_backup_status text;
ALTER TABLE restores ADD COLUMN safety_backup_reason text;
-- Bytes and tables restored so far, for the API.
ALTER TABLE restores ADD COLUMN progress jsonb;
-- A cancel of a running restore is a request the executor acts on; past the point of no return
-- (the swap, the drop of an in-place restore) it is refused.
ALTER TABLE restores ADD COLUMN cancel_requested_by text;
ALTER TABLE restores ADD COLUMN point_of_no_return boolean NOT NULL DEFAULT false;
-- The tables a TABLES restore renamed aside, and the foreign keys it took off, to put them back.
ALTER TABLE restores ADD COLUMN set_aside jsonb;
-- health-service's check of the restored database: {checkId, status}.
ALTER TABLE restores ADD COLUMN health_check jsonb;
-- The undo a SWAP keeps (<db>_pre_<restoreId>) until retention drops it.
ALTER TABLE restores ADD COLUMN undo_database text;
ALTER TABLE restores ADD COLUMN undo_dropped_at timestamptz;

CREATE INDEX restores_by_correlation ON restores (correlation_id);
CREATE INDEX kept_undos ON restores (database, finished_at DESC)
    WHERE undo_database IS NOT NULL AND undo_dropped_at IS NULL;

-- health-service's latest verdict on each stored backup, to warn when a plan uses a failed one.
CREATE TABLE backup_verifications (
    backup_id        text        PRIMARY KEY,
    database         text        NOT NULL,
    verified         boolean     NOT NULL,
    reason           text,
    verification_id  text        NOT NULL,
    at               timestamptz NOT NULL
);
