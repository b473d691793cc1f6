package dev.lifeboat.backup;

import dev.lifeboat.testsupport.PostgresEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small shop schema with foreign keys, awkward text and two schemas: what backups must carry. */
final class ShopDatabase {
  static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("public.customers", "SELECT count(*) FROM public.customers");
    TABLES.put("public.orders", "SELECT count(*) FROM public.orders");
    TABLES.put("billing.invoices", "SELECT count(*) FROM billing.invoices");
    TABLES.put("public.empty_table", "SELECT count(*) FROM public.empty_table");
  }

  private ShopDatabase() {}

  static void create(PostgresEndpoint pg, String database) {
    pg.execute(
        database,
        """
        DROP SCHEMA IF EXISTS billing CASCADE;
        DROP TABLE IF EXISTS orders, customers, empty_table CASCADE;
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text);
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                             note text, amount numeric(12,2), created_at timestamptz DEFAULT now());
        CREATE TABLE empty_table (id int);
        CREATE SCHEMA billing;
        CREATE TABLE billing.invoices (id int PRIMARY KEY, order_id bigint REFERENCES orders, total numeric);
        INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 300) g;
        INSERT INTO orders (customer_id, note, amount)
          SELECT 1 + g % 300, E'first line\\nsecond line\\t\\\\ backslash ' || md5(g::text), g / 7.0
            FROM generate_series(1, 12000) g;
        INSERT INTO billing.invoices SELECT g, g, g * 1.5 FROM generate_series(1, 4000) g;
        """);
  }

  /** Exact row counts, keyed schema.table. */
  static Map<String, Long> counts(PostgresEndpoint pg, String database) {
    Map<String, Long> counts = new LinkedHashMap<>();
    TABLES.forEach((table, sql) -> counts.put(table, pg.queryLong(database, sql)));
    return counts;
  }

  /** A fingerprint of the contents of every table. */
  static long fingerprint(PostgresEndpoint pg, String database) {
    return pg.queryLong(
        database,
        """
        SELECT (SELECT coalesce(sum(hashtext(c::text)), 0) FROM customers c)
             + (SELECT coalesce(sum(hashtext(o.id || o.note || o.amount)), 0) FROM orders o)
             + (SELECT coalesce(sum(hashtext(i::text)), 0) FROM billing.invoices i)""");
  }
}
