-- The transactional outbox (docs/events.md#delivery): each event is written here in the same
-- transaction as the state it describes, and common's OutboxRelay publishes it to Kafka and marks it
-- sent. Every service that adopts the outbox has this same table in its own schema.
CREATE TABLE outbox (
    -- Publication order: each key's rows are published in seq order.
    seq                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The CloudEvent id: appending the same event to the same topic twice keeps one row. A command
    -- and its copy in the event log are the same event on two topics.
    event_id            text        NOT NULL,
    topic               text        NOT NULL,
    -- The Kafka record key (the database name).
    record_key          text,
    -- The CloudEvent in structured mode, exactly the bytes published.
    payload             text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    UNIQUE (topic, event_id)
);
-- What the relay claims and the gauges count.
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
-- What retention deletes.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
