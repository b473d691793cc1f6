package dev.lifeboat.health;

import dev.lifeboat.testsupport.PostgresEndpoint;

/** The target database {@code shop}, built from scratch: clean, keyed, consistent. */
final class ShopDatabase {
  static final String NAME = "shop";

  private ShopDatabase() {}

  static void create(PostgresEndpoint pg) {
    pg.dropDatabase(NAME);
    pg.createDatabase(NAME);
    pg.execute(
        NAME,
        """
        CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                             note text, total numeric);
        CREATE TABLE coupons (code text PRIMARY KEY, percent int);
        CREATE TABLE gift_cards (id int PRIMARY KEY, balance numeric);
        CREATE TABLE payments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id int,
                               amount numeric);
        INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 100) g;
        INSERT INTO orders (customer_id, note, total)
          SELECT 1 + g % 100, E'note\\n' || g, g * 1.5 FROM generate_series(1, 1000) g;
        INSERT INTO coupons SELECT 'C' || g, g % 5 FROM generate_series(1, 20) g;
        INSERT INTO gift_cards SELECT g, 10 FROM generate_series(1, 30) g;
        INSERT INTO payments (order_id, amount) SELECT g, 9.99 FROM generate_series(1, 500) g;
        """);
  }
}
