package dev.lifeboat.cli;

import dev.lifeboat.testsupport.PostgresEndpoint;

/** A small shop with foreign keys: the database the CLI backs up and restores in the ITs. */
final class Shop {
  static final int CUSTOMERS = 200;
  static final int ORDERS = 6000;

  private Shop() {}

  static void create(PostgresEndpoint pg, String database) {
    pg.execute(
        database,
        """
        DROP TABLE IF EXISTS order_items, orders, products, customers CASCADE;
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2));
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                             status text NOT NULL DEFAULT 'paid', note text);
        CREATE TABLE order_items (order_id int REFERENCES orders, product_id int REFERENCES products,
                                  quantity int NOT NULL, PRIMARY KEY (order_id, product_id));
        INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, %d) g;
        INSERT INTO products SELECT g, 'product ' || g, g * 1.25 FROM generate_series(1, 50) g;
        INSERT INTO orders SELECT g, 1 + g %% %d, 'paid', E'line one\\nline two ' || md5(g::text)
          FROM generate_series(1, %d) g;
        INSERT INTO order_items SELECT g, 1 + g %% 50, 1 + g %% 3 FROM generate_series(1, %d) g;
        """
            .formatted(CUSTOMERS, CUSTOMERS, ORDERS, ORDERS));
  }

  /** The bad migration of the runbooks: half the orders gone. */
  static void badMigration(PostgresEndpoint pg, String database) {
    pg.execute(
        database,
        """
        DELETE FROM order_items WHERE order_id % 2 = 0;
        DELETE FROM orders WHERE id % 2 = 0;
        """);
  }

  static long orders(PostgresEndpoint pg, String database) {
    return pg.queryLong(database, "SELECT count(*) FROM orders");
  }
}
