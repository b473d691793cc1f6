package dev.lifeboat.audit.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds fields named like credentials anywhere in an event, so that no secret reaches the audit
 * log: a name matches when, lower-cased and without {@code _}, {@code -} and {@code .}, it contains
 * one of the {@link #FRAGMENTS} or is one of the {@link #EXACT} names.
 */
public final class CredentialFields {
  static final List<String> FRAGMENTS =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "secret",
          "token",
          "apikey",
          "privatekey",
          "credential",
          "accesskey",
          "authorization",
          "sessionkey",
          "connectionstring");

  static final List<String> EXACT = List.of("pwd", "pass", "auth", "cookie", "jwt");

  public static final String REDACTED = "[redacted]";

  /** {@code name=value} or {@code name: value} pairs in free text, for non-JSON dead letters. */
  private static final Pattern IN_TEXT =
      Pattern.compile(
          "(?i)((?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?"
              + "|access[_-]?key|authorization|pwd)[\"']?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|\\S+)");

  private CredentialFields() {}

  public static boolean isCredentialName(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
    if (EXACT.contains(n)) {
      return true;
    }
    for (String fragment : FRAGMENTS) {
      if (n.contains(fragment)) {
        return true;
      }
    }
    return false;
  }

  /** Replaces the value of every credential-named field, in place. */
  public static void redact(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (isCredentialName(name)) {
          object.set(name, TextNode.valueOf(REDACTED));
        } else {
          redact(object.get(name));
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(CredentialFields::redact);
    }
  }

  /** Free text with the values of {@code password=...}-like pairs replaced. */
  public static String redactText(String text) {
    return IN_TEXT.matcher(text).replaceAll("$1" + REDACTED);
  }
}
