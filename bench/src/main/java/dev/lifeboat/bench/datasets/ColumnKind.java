package dev.lifeboat.bench.datasets;

import java.util.Collections;
import java.util.Locale;

/**
 * The columns the schema-heavy tables are made of. Most values are random hex or base64, which
 * compress poorly, with some repetitive ones (status words, phrases) mixed in as real tables have.
 */
enum ColumnKind {
  CODE("text", "md5(random()::text)"),
  TOKEN("text", "encode(decode(" + hex(2) + ", 'hex'), 'base64')"),
  AMOUNT("numeric(12,2)", "round((random() * 100000)::numeric, 2)"),
  QUANTITY("integer", "floor(random() * 1000)::int"),
  CREATED_AT(
      "timestamptz", "timestamptz '2024-01-01 00:00:00+00' + random() * interval '700 days'"),
  STATUS(
      "text",
      "(ARRAY['new', 'paid', 'shipped', 'cancelled', 'refunded', 'on_hold'])"
          + "[1 + floor(random() * 6)::int]"),
  REF("uuid", "md5(random()::text)::uuid"),
  ATTRIBUTES(
      "jsonb",
      "jsonb_build_object('sku', md5(random()::text), 'weight', round((random() * 50)::numeric, 3),"
          + " 'tags', jsonb_build_array(substr(md5(random()::text), 1, 6),"
          + " substr(md5(random()::text), 1, 6)))"),
  NOTE(
      "text",
      "substr(encode(decode(" + hex(4) + ", 'hex'), 'base64'), 1, 1 + floor(random() * 88)::int)"),
  BODY("text", "encode(decode(" + hex(8) + ", 'hex'), 'base64')"),
  PHRASE("text", phrase(6)),
  FLAG("boolean", "random() < 0.3");

  private static final String WORDS =
      "(ARRAY['order', 'invoice', 'customer', 'delayed', 'warehouse', 'priority', 'refund',"
          + " 'address', 'payment', 'confirmed', 'escalated', 'partial', 'express', 'return',"
          + " 'damaged', 'coupon', 'backorder', 'gift', 'resend', 'verified'])";

  final String sqlType;
  final String expression;

  ColumnKind(String sqlType, String expression) {
    this.sqlType = sqlType;
    this.expression = expression;
  }

  String columnName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code count} random MD5 digests concatenated: 32 hex digits each. */
  private static String hex(int count) {
    return String.join(" || ", Collections.nCopies(count, "md5(random()::text)"));
  }

  private static String phrase(int words) {
    return "concat_ws(' ', "
        + String.join(", ", Collections.nCopies(words, WORDS + "[1 + floor(random() * 20)::int]"))
        + ")";
  }
}
