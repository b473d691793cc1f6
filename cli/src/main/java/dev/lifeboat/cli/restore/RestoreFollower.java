package dev.lifeboat.cli.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.Io;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.ProgressBar;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Follows a confirmed restore step by step until it is COMPLETED, FAILED or CANCELLED: one line on
 * stderr for each change of a step's state, with how long it took, and the data's progress (a bar
 * on a terminal, a line every few seconds elsewhere).
 */
final class RestoreFollower {
  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");
  private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
  private static final int BAR_WIDTH = 24;

  private final ApiClient api;
  private final Io io;
  private final Duration interval;

  RestoreFollower(ApiClient api, Io io, Duration interval) {
    this.api = api;
    this.io = io;
    this.interval = interval;
  }

  JsonNode follow(String restoreId) {
    PrintStream err = io.err();
    ProgressBar bar = io.errIsTerminal() ? new ProgressBar(err) : null;
    Map<String, String> states = new HashMap<>();
    Map<String, Instant> running = new HashMap<>();
    String lastStatus = null;
    String lastProgress = null;
    Instant lastPlain = null;
    while (true) {
      JsonNode restore = api.get(Service.RESTORE, "/api/v1/restores/" + Query.encode(restoreId));
      Instant now = io.clock().instant();
      String status = restore.path("status").asText();
      boolean finished = FINAL.contains(status);
      if (!status.equals(lastStatus) && !finished) {
        clear(bar);
        err.println("restore " + restoreId + ": " + status);
      }
      for (JsonNode step : restore.path("steps")) {
        String name = step.path("name").asText();
        String state = step.path("state").asText();
        if (state.equals(states.getOrDefault(name, "PENDING"))) {
          continue;
        }
        states.put(name, state);
        clear(bar);
        err.println(stepLine(name, state, step.path("description").asText(""), running, now));
      }
      if (finished) {
        clear(bar);
        err.println("restore " + restoreId + ": " + status);
        return restore;
      }
      lastStatus = status;
      String progress = progressLine(restore.path("progress"));
      if (progress != null) {
        if (bar != null) {
          bar.draw(progress);
        } else if (!progress.equals(lastProgress)
            && (lastPlain == null
                || Duration.between(lastPlain, now).compareTo(PLAIN_EVERY) >= 0)) {
          err.println(progress);
          lastPlain = now;
        }
        lastProgress = progress;
      }
      Session.pause(interval);
    }
  }

  private static void clear(ProgressBar bar) {
    if (bar != null) {
      bar.clear();
    }
  }

  static String stepLine(
      String name, String state, String description, Map<String, Instant> running, Instant now) {
    String tag = String.format("  %-11s %s", "[" + state + "]", name);
    if ("RUNNING".equals(state)) {
      running.put(name, now);
      return tag + (description.isEmpty() ? "" : ": " + description);
    }
    Instant began = running.remove(name);
    return tag + (began == null ? "" : " (" + Units.duration(Duration.between(began, now)) + ")");
  }

  /** The data's progress, {@code restore-scratch [=====> ] 45% 1.2 GiB of 2.7 GiB, 3/9 tables}. */
  static String progressLine(JsonNode p) {
    if (!p.isObject() || !p.path("bytesTotal").isNumber()) {
      return null;
    }
    long total = p.path("bytesTotal").asLong();
    long done = p.path("bytesRestored").asLong();
    Double fraction =
        p.path("percent").isNumber()
            ? p.path("percent").asDouble() / 100
            : total > 0 ? (double) done / total : null;
    StringBuilder line =
        new StringBuilder("  ")
            .append(p.path("step").asText("restore"))
            .append(' ')
            .append(ProgressBar.bar(fraction, 0, BAR_WIDTH));
    if (fraction != null) {
      line.append(String.format(" %3d%%", (int) Math.round(fraction * 100)));
    }
    line.append("  ").append(Units.bytes(done)).append(" of ").append(Units.bytes(total));
    if (p.path("tablesTotal").asInt() > 0) {
      line.append(", ")
          .append(p.path("tablesRestored").asInt())
          .append('/')
          .append(p.path("tablesTotal").asInt())
          .append(" tables");
    }
    return line.toString();
  }
}
