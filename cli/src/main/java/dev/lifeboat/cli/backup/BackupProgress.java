package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.Io;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.ProgressBar;
import dev.lifeboat.cli.output.Units;
import java.time.Duration;
import java.time.Instant;

/**
 * Follows a backup until it is COMPLETED or FAILED, showing its progress on stderr: a bar redrawn
 * in place on a terminal, a plain line every few seconds elsewhere (logs of CI jobs).
 */
public final class BackupProgress {
  private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
  private static final int BAR_WIDTH = 24;

  private final ApiClient api;
  private final Io io;
  private final Duration interval;
  private final boolean show;

  public BackupProgress(ApiClient api, Io io, Duration interval, boolean show) {
    this.api = api;
    this.io = io;
    this.interval = interval;
    this.show = show;
  }

  /** Polls the backup until it finished and returns its last state. */
  public JsonNode follow(String backupId, String database) {
    Long expected = show ? previousDumpBytes(database, backupId) : null;
    ProgressBar bar = io.errIsTerminal() && show ? new ProgressBar(io.err()) : null;
    Instant begun = io.clock().instant();
    Instant lastPlain = null;
    String lastStatus = null;
    long tick = 0;
    while (true) {
      JsonNode backup = api.get(Service.BACKUP, "/api/v1/backups/" + Query.encode(backupId));
      String status = backup.path("status").asText();
      boolean finished = "COMPLETED".equals(status) || "FAILED".equals(status);
      if (show) {
        Instant now = io.clock().instant();
        String line = line(backupId, backup, status, expected, tick++, begun, now);
        if (bar != null) {
          if (finished) {
            bar.finish(line);
          } else {
            bar.draw(line);
          }
        } else if (!status.equals(lastStatus)
            || lastPlain == null
            || Duration.between(lastPlain, now).compareTo(PLAIN_EVERY) >= 0) {
          io.err().println(line);
          lastPlain = now;
        }
      }
      lastStatus = status;
      if (finished) {
        return backup;
      }
      Session.pause(interval);
    }
  }

  static String line(
      String backupId,
      JsonNode backup,
      String status,
      Long expected,
      long tick,
      Instant begun,
      Instant now) {
    String elapsed = Units.duration(Duration.between(begun, now));
    JsonNode progress = backup.path("progress");
    switch (status) {
      case "REQUESTED":
        return backupId + "  REQUESTED, waiting for its turn  " + elapsed;
      case "COMPLETED":
        {
          long dumped = backup.path("dumpBytes").asLong();
          long stored = backup.path("sizeBytes").asLong();
          return backupId
              + "  "
              + ProgressBar.bar(1.0, tick, BAR_WIDTH)
              + " 100%  "
              + Units.bytes(dumped)
              + " dumped  "
              + Units.bytes(stored)
              + " stored  COMPLETED  "
              + elapsed;
        }
      case "FAILED":
        return backupId + "  FAILED  " + elapsed;
      default:
        {
          long dumped = progress.path("bytesDumped").asLong();
          long stored = progress.path("bytesStored").asLong();
          long rate = progress.path("bytesPerSecond").asLong();
          Double fraction =
              expected == null || expected <= 0 ? null : Math.min(0.99, (double) dumped / expected);
          return backupId
              + "  "
              + ProgressBar.bar(fraction, tick, BAR_WIDTH)
              + (fraction == null ? "" : String.format(" %3d%%", (int) (fraction * 100)))
              + "  "
              + Units.bytes(dumped)
              + " dumped  "
              + Units.bytes(stored)
              + " stored  "
              + Units.rate(rate)
              + "  "
              + elapsed;
        }
    }
  }

  /**
   * The dump size of the database's previous completed backup: what this one will probably come to,
   * so that the bar can show a fraction. Null when there is none.
   */
  private Long previousDumpBytes(String database, String backupId) {
    JsonNode list =
        api.get(
            Service.BACKUP,
            "/api/v1/backups" + Query.of().with("database", database).with("limit", 10));
    for (JsonNode b : list) {
      if ("COMPLETED".equals(b.path("status").asText())
          && !backupId.equals(b.path("backupId").asText())
          && b.path("dumpBytes").isNumber()) {
        return b.path("dumpBytes").asLong();
      }
    }
    return null;
  }
}
