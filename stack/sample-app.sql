-- The sample target database `app` of `bin/stack up`: a small shop with foreign keys and a few
-- hundred thousand rows, so that backups, checks and rollbacks have something real to work on.
-- Deterministic (fixed seed), so two stacks hold the same data.
SELECT setseed(0.42);

CREATE TABLE customers (
  id         bigserial PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  country    char(2) NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE products (
  id          bigserial PRIMARY KEY,
  sku         text NOT NULL UNIQUE,
  title       text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents > 0),
  stock       integer NOT NULL
);

CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status      text NOT NULL,
  placed_at   timestamptz NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_items (
  id          bigserial PRIMARY KEY,
  order_id    bigint NOT NULL REFERENCES orders (id),
  product_id  bigint NOT NULL REFERENCES products (id),
  quantity    integer NOT NULL CHECK (quantity > 0),
  price_cents integer NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id);

CREATE TABLE payments (
  id          bigserial PRIMARY KEY,
  order_id    bigint NOT NULL REFERENCES orders (id),
  amount_cents integer NOT NULL,
  method      text NOT NULL,
  paid_at     timestamptz NOT NULL
);
CREATE INDEX payments_order_idx ON payments (order_id);

INSERT INTO customers (email, name, country, created_at)
SELECT 'customer' || g || '@example.com',
       'Customer ' || g,
       (ARRAY['DE', 'FR', 'NL', 'SE', 'US', 'GB'])[1 + (g % 6)],
       timestamptz '2025-01-01' + (g || ' minutes')::interval
FROM generate_series(1, 20000) AS g;

INSERT INTO products (sku, title, price_cents, stock)
SELECT 'SKU-' || lpad(g::text, 5, '0'),
       'Product ' || g,
       100 + (random() * 9900)::int,
       (random() * 500)::int
FROM generate_series(1, 2000) AS g;

INSERT INTO orders (customer_id, status, placed_at)
SELECT 1 + (random() * 19999)::int,
       (ARRAY['placed', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + (g % 5)],
       timestamptz '2025-06-01' + (g || ' seconds')::interval * 60
FROM generate_series(1, 100000) AS g;

INSERT INTO order_items (order_id, product_id, quantity, price_cents)
SELECT 1 + (g % 100000),
       1 + (random() * 1999)::int,
       1 + (random() * 4)::int,
       100 + (random() * 9900)::int
FROM generate_series(1, 250000) AS g;

INSERT INTO payments (order_id, amount_cents, method, paid_at)
SELECT o.id,
       1000 + (random() * 50000)::int,
       (ARRAY['card', 'invoice', 'paypal'])[1 + (o.id % 3)::int],
       o.placed_at + interval '5 minutes'
FROM orders o
WHERE o.status <> 'placed' AND o.status <> 'cancelled';

ANALYZE;
