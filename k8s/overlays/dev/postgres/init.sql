-- Runs once, when the data directory is created. The superuser (POSTGRES_USER, from the Secret
-- lifeboat-control-db) owns the control database `lifeboat` and the sample target `app`: in a dev
-- cluster one role does both jobs; docs/configuration.md says what a production role needs.
CREATE DATABASE app;
\connect app
CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total_cents bigint NOT NULL CHECK (total_cents >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (email)
SELECT 'customer' || g || '@example.com' FROM generate_series(1, 1000) g;
INSERT INTO orders (customer_id, total_cents)
SELECT 1 + (g % 1000), (g * 37) % 50000 FROM generate_series(1, 10000) g;
