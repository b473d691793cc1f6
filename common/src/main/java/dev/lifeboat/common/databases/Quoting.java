package dev.lifeboat.common.databases;

/** Puts untrusted values into messages and SQL without letting them break out. */
public final class Quoting {
  private static final int MAX_IN_MESSAGE = 80;

  private Quoting() {}

  /**
   * The value in double quotes, shortened and with control and non-ASCII characters escaped, so
   * that an echoed value cannot forge log lines or hide behind look-alike letters.
   */
  public static String forMessage(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .limit(MAX_IN_MESSAGE)
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
                out.appendCodePoint(cp);
              } else if (cp <= 0xffff) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.append(String.format("\\u{%x}", cp));
              }
            });
    if (value.codePointCount(0, value.length()) > MAX_IN_MESSAGE) {
      out.append("...");
    }
    return out.append('"').toString();
  }

  /** A PostgreSQL identifier in double quotes, embedded quotes doubled. */
  public static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A PostgreSQL string literal in single quotes, embedded quotes doubled. */
  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
