-- Stream tickets (docs/audit.md#authenticating-a-browser): a browser's EventSource cannot send the
-- Authorization header, so it trades its bearer token for a short-lived, single-use ticket and puts
-- the ticket, not the token, in the stream's URL. Kept here, not in memory, so that any replica
-- redeems a ticket another one issued.
CREATE TABLE stream_tickets (
    -- SHA-256 of the ticket, in hex: the table never holds a ticket that would open a stream.
    ticket_sha256 text        PRIMARY KEY,
    -- The bearer token the ticket stands for, checked again as the stream opens.
    token         text        NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);
