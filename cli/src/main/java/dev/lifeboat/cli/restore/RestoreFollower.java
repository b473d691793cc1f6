package dev.lifeboat.cli.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.Io;
import dev.lifeboat.cli.Lifeboat;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Follows a confirmed restore step by step until it is COMPLETED, FAILED or CANCELLED: one line on
 * stderr for each change of a step's state, with how long it took.
 */
final class RestoreFollower {
  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");

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
    Map<String, String> states = new HashMap<>();
    Map<String, Instant> running = new HashMap<>();
    String lastStatus = null;
    while (true) {
      JsonNode restore = api.get(Service.RESTORE, "/api/v1/restores/" + Query.encode(restoreId));
      Instant now = io.clock().instant();
      String status = restore.path("status").asText();
      if (!status.equals(lastStatus)) {
        err.println("restore " + restoreId + ": " + status);
        lastStatus = status;
      }
      for (JsonNode step : restore.path("steps")) {
        String name = step.path("name").asText();
        String state = step.path("state").asText();
        if (state.equals(states.getOrDefault(name, "PENDING"))) {
          continue;
        }
        states.put(name, state);
        err.println(stepLine(name, state, step.path("description").asText(""), running, now));
      }
      if (FINAL.contains(status)) {
        return restore;
      }
      Lifeboat.pause(interval);
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
}
