package dev.lifeboat.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts an error answer into one line, {@code <title>: <detail>}: from its {@code
 * application/problem+json} body (with each rejected field), or from the status when the body is
 * not a problem (a proxy's HTML page, say).
 */
public final class Problems {
  private Problems() {}

  public static String describe(int status, JsonNode problem, String rawBody) {
    String title = text(problem, "title");
    if (title == null) {
      title = reason(status);
    }
    String detail = text(problem, "detail");
    if (detail == null && problem == null && rawBody != null && !rawBody.isBlank()) {
      detail = "HTTP " + status + ": " + abbreviate(oneLine(rawBody), 160);
    }
    if (detail == null) {
      detail = hint(status);
    }
    List<String> violations = new ArrayList<>();
    if (problem != null) {
      for (JsonNode v : problem.path("violations")) {
        String field = text(v, "field");
        String message = text(v, "message");
        violations.add(field == null ? String.valueOf(message) : field + ": " + message);
      }
    }
    StringBuilder line = new StringBuilder(title);
    if (detail != null) {
      line.append(": ").append(detail);
    }
    if (!violations.isEmpty()) {
      line.append(" (").append(String.join("; ", violations)).append(')');
    }
    return oneLine(line.toString());
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 ->
          "the token was refused (missing, expired, malformed or signed by an issuer the service"
              + " does not trust)";
      case 403 -> "the token's roles do not allow this";
      default -> null;
    };
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 415 -> "Unsupported Media Type";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }

  private static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
