-- Which records have been republished on lifeboat.audit: every record of a source partition up to
-- this offset. One row per partition, updated once per batch, replaces a flag per event (whose
-- update rewrote every row a second time, in every index).
ALTER TABLE events DROP COLUMN published;

CREATE TABLE republished (
    source_topic     text    NOT NULL,
    source_partition integer NOT NULL,
    source_offset    bigint  NOT NULL,
    PRIMARY KEY (source_topic, source_partition)
);
