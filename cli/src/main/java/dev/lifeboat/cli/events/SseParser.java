package dev.lifeboat.cli.events;

/**
 * Reads a Server-Sent Events stream line by line (the WHATWG event-stream format): {@code data}
 * lines are joined with newlines, a blank line dispatches the event, {@code id} is remembered for
 * {@code Last-Event-ID}, comments ({@code :}) are keep-alives.
 */
final class SseParser {
  /** One dispatched event; {@code id} is the last id seen, which may come from an earlier one. */
  record Event(String id, String type, String data) {}

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String type;
  private String lastEventId;
  private Long retryMillis;

  /** Feeds one line (without its line break); returns the event a blank line completes, or null. */
  Event line(String line) {
    if (line.isEmpty()) {
      return dispatch();
    }
    if (line.startsWith(":")) {
      return null;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> type = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (value.matches("[0-9]{1,9}")) {
          retryMillis = Long.parseLong(value);
        }
      }
      default -> {
        // Unknown fields are ignored, as the format says.
      }
    }
    return null;
  }

  private Event dispatch() {
    if (!hasData) {
      type = null;
      return null;
    }
    Event event = new Event(lastEventId, type == null ? "message" : type, data.toString());
    data.setLength(0);
    hasData = false;
    type = null;
    return event;
  }

  String lastEventId() {
    return lastEventId;
  }

  /** The reconnection delay the server asked for, or null. */
  Long retryMillis() {
    return retryMillis;
  }

  /** A new connection resumes from the last id, but starts a fresh event. */
  void reset() {
    data.setLength(0);
    hasData = false;
    type = null;
  }
}
