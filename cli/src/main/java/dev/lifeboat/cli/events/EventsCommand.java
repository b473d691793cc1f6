package dev.lifeboat.cli.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat events}: the audit log (audit-service), and with {@code --follow} its live stream
 * (Server-Sent Events, resumed with {@code Last-Event-ID} after a dropped connection).
 */
@Command(
    abbreviateSynopsis = true,
    name = "events",
    sortOptions = false,
    header = "The audit log; --follow prints new events live.",
    description = {
      "The audit log of every backup, restore, check and migration event (GET /api/v1/events on"
          + " audit-service): the newest --limit events since --since, oldest first.",
      "--follow then keeps printing new events as they come (GET /api/v1/events/stream), until"
          + " interrupted. --json prints one event per line (JSON Lines)."
    })
public final class EventsCommand implements Callable<Integer> {
  private static final int PAGE = 200;
  private static final int MAX_PAGES = 500;
  private static final int REMEMBERED_IDS = 10_000;

  private final Session session;

  @Option(names = "--database", paramLabel = "DB", description = "only this database's events")
  String database;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "only this type, e.g. backup.completed or dev.lifeboat.restore.failed")
  String type;

  @Option(
      names = "--correlation-id",
      paramLabel = "ID",
      description = "only the events of one backup, restore or check")
  String correlationId;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      defaultValue = "24h",
      description =
          "from when: an age (30m, 24h, 7d), an ISO time, 'all', or 'now' (only new events with"
              + " --follow); default ${DEFAULT-VALUE}")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "up to when (age or ISO time)")
  String until;

  @Option(
      names = {"-n", "--limit"},
      defaultValue = "100",
      description = "show at most this many past events, the newest (default ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = {"-f", "--follow"},
      description = "then print new events as they happen")
  boolean follow;

  private final Set<String> printed = new LinkedHashSet<>();
  private String lastAuditSeq;

  public EventsCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new CliException(ExitCodes.USAGE, "--limit must be at least 1");
    }
    ApiClient api = session.api();
    Instant now = session.io().clock().instant();
    String fullType = type == null ? null : EventLine.fullType(type);
    if (!"now".equalsIgnoreCase(since)) {
      history(api, fullType, when(since, now, "--since"), when(until, now, "--until"));
    } else if (!follow) {
      throw new CliException(ExitCodes.USAGE, "--since now shows nothing without --follow");
    }
    if (follow) {
      stream(api, fullType);
    }
    return ExitCodes.OK;
  }

  /** An age before now, an ISO time, or null for 'all' (and an absent option). */
  static String when(String text, Instant now, String option) {
    if (text == null || "all".equalsIgnoreCase(text)) {
      return null;
    }
    Duration age = Units.parseDuration(text);
    if (age != null) {
      return now.minus(age).toString();
    }
    Instant at = Units.instant(text);
    if (at == null) {
      throw new CliException(
          ExitCodes.USAGE,
          option + " '" + text + "' is neither an age (30m, 24h, 7d) nor an ISO time");
    }
    return at.toString();
  }

  private void history(ApiClient api, String fullType, String from, String to) {
    Deque<JsonNode> newest = new ArrayDeque<>();
    long skipped = 0;
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode answer =
          api.get(
              Service.AUDIT,
              "/api/v1/events"
                  + Query.of()
                      .with("database", database)
                      .with("type", fullType)
                      .with("correlationId", correlationId)
                      .with("since", from)
                      .with("until", to)
                      .with("limit", PAGE)
                      .with("cursor", cursor));
      for (JsonNode event : answer.path("events")) {
        newest.addLast(event);
        if (newest.size() > limit) {
          newest.removeFirst();
          skipped++;
        }
      }
      cursor = answer.path("nextCursor").asText(null);
      if (cursor == null || cursor.isBlank() || answer.path("events").isEmpty()) {
        break;
      }
    }
    if (skipped > 0 && !session.json()) {
      session
          .io()
          .err()
          .println("(" + skipped + " earlier event(s) not shown; see --limit and --since)");
    }
    newest.forEach(this::print);
  }

  private void print(JsonNode event) {
    String key = EventLine.key(event);
    if (key != null) {
      if (!printed.add(key)) {
        return;
      }
      if (printed.size() > REMEMBERED_IDS) {
        Iterator<String> oldest = printed.iterator();
        oldest.next();
        oldest.remove();
      }
    }
    if (event.hasNonNull("auditseq")) {
      lastAuditSeq = event.path("auditseq").asText();
    }
    if (session.json()) {
      session.io().out().println(event.toString());
    } else {
      session.io().out().println(EventLine.format(event));
    }
    session.io().out().flush();
  }

  private boolean wanted(JsonNode event, String fullType) {
    return (database == null || database.equals(EventLine.database(event)))
        && (fullType == null || fullType.equals(EventLine.type(event)))
        && (correlationId == null || correlationId.equals(EventLine.correlationId(event)));
  }

  /** Follows the live stream, reconnecting with Last-Event-ID until interrupted. */
  private void stream(ApiClient api, String fullType) {
    SseParser parser = new SseParser();
    String path =
        "/api/v1/events/stream"
            + Query.of()
                .with("database", database)
                .with("type", fullType)
                .with("correlationId", correlationId);
    boolean connectedOnce = false;
    long delay = 1000;
    while (true) {
      Map<String, String> headers = new HashMap<>();
      String resumeFrom = parser.lastEventId() != null ? parser.lastEventId() : lastAuditSeq;
      if (resumeFrom != null) {
        headers.put("Last-Event-ID", resumeFrom);
      }
      try (Stream<String> lines = api.lines(Service.AUDIT, path, headers)) {
        if (!connectedOnce) {
          session.io().err().println("(following new events; Ctrl-C to stop)");
        }
        connectedOnce = true;
        parser.reset();
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          SseParser.Event event = parser.line(it.next());
          if (event != null) {
            handle(event, fullType);
          }
        }
        session.io().err().println("(the event stream ended; reconnecting)");
        delay = reconnectDelay(parser);
      } catch (UncheckedIOException e) {
        session
            .io()
            .err()
            .println("(the event stream broke: " + e.getMessage() + "; reconnecting)");
        delay = reconnectDelay(parser);
      } catch (CliException e) {
        if (!connectedOnce || e.exitCode() != ExitCodes.UNREACHABLE) {
          throw e;
        }
        session.io().err().println("(" + e.getMessage() + "; retrying)");
        delay = Math.min(30_000, delay * 2);
      }
      Session.pause(Duration.ofMillis(delay));
    }
  }

  /** The server's {@code retry:} if it sent one, else a second. */
  private static long reconnectDelay(SseParser parser) {
    return parser.retryMillis() == null ? 1000 : parser.retryMillis();
  }

  private void handle(SseParser.Event event, String fullType) {
    JsonNode json;
    try {
      json = ApiClient.JSON.readTree(event.data());
    } catch (JsonProcessingException e) {
      session.io().err().println("(an event that is not JSON: " + event.data() + ")");
      return;
    }
    if (json != null && json.isObject() && wanted(json, fullType)) {
      print(json);
    }
  }
}
