package dev.lifeboat.cli.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** A query string from name/value pairs; pairs whose value is null are left out. */
public final class Query {
  private final StringJoiner parts = new StringJoiner("&", "?", "").setEmptyValue("");

  private Query() {}

  public static Query of() {
    return new Query();
  }

  public Query with(String name, Object value) {
    if (value != null) {
      parts.add(encode(name) + "=" + encode(value.toString()));
    }
    return this;
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return parts.toString();
  }
}
