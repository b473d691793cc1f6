package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.ApiResponse;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat backup <db>}: request a backup, and with {@code --wait} follow it. */
@Command(
    abbreviateSynopsis = true,
    name = "backup",
    sortOptions = false,
    header = "Request a backup; with --wait, follow it to the end.",
    description = {
      "Request a backup of a database (POST /api/v1/backups on backup-service).",
      "With --wait, follow it to the end: progress on stderr (a bar on a terminal), the result on"
          + " stdout; exit 0 when COMPLETED, 1 when FAILED."
    })
public final class BackupCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(paramLabel = "<db>", description = "the target database, by its configured name")
  String database;

  @Option(names = "--migration", paramLabel = "NAME", description = "the migration about to run")
  String migration;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (e.g. pre-migration)")
  String reason;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "a label to keep with the backup; repeatable")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "the same key twice yields one backup (e.g. the deploy's id)")
  String idempotencyKey;

  @Option(names = "--wait", description = "follow the backup until it completed or failed")
  boolean await;

  @Option(
      names = {"-q", "--quiet"},
      description = "print only the backup id (no progress)")
  boolean quiet;

  @Option(
      names = "--poll-interval",
      hidden = true,
      defaultValue = "500",
      description = "milliseconds between two looks at a running backup")
  long pollMillis;

  public BackupCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    ApiClient api = session.api();
    ObjectNode body = ApiClient.JSON.createObjectNode().put("database", database);
    if (reason != null) {
      body.put("reason", reason);
    }
    if (migration != null) {
      body.put("migration", migration);
    }
    if (!labels.isEmpty()) {
      ObjectNode l = body.putObject("labels");
      labels.forEach(l::put);
    }
    ApiResponse accepted =
        api.post(
            Service.BACKUP,
            "/api/v1/backups",
            body,
            idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
    String backupId = accepted.body().path("backupId").asText(null);
    if (backupId == null) {
      throw new CliException(
          ExitCodes.SERVICE_ERROR, "backup-service accepted the request but named no backup");
    }
    PrintStream out = session.io().out();
    if (!await) {
      if (session.json()) {
        session.printJson(accepted.body());
      } else if (quiet) {
        out.println(backupId);
      } else {
        out.println(
            "backup "
                + backupId
                + " of "
                + database
                + ": "
                + accepted.body().path("status").asText("REQUESTED"));
      }
      return ExitCodes.OK;
    }

    JsonNode backup =
        session.following(
            "the backup goes on; look at it with: lifeboat backups " + database,
            () ->
                new BackupProgress(
                        api, session.io(), Duration.ofMillis(Math.max(50, pollMillis)), !quiet)
                    .follow(backupId, database));
    boolean completed = "COMPLETED".equals(backup.path("status").asText());
    if (session.json()) {
      session.printJson(backup);
    } else if (quiet) {
      out.println(backupId);
    } else {
      printSummary(out, backup);
    }
    if (!completed) {
      session
          .io()
          .err()
          .println(
              "error: backup "
                  + backupId
                  + " failed: "
                  + backup.path("failureReason").asText("no reason given"));
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  static void printSummary(PrintStream out, JsonNode b) {
    Instant started = Units.instant(Backups.text(b, "startedAt"));
    Instant completed = Units.instant(Backups.text(b, "completedAt"));
    String took =
        started != null && completed != null
            ? " in " + Units.duration(Duration.between(started, completed))
            : "";
    out.println(
        "backup "
            + b.path("backupId").asText()
            + " of "
            + b.path("database").asText()
            + ": "
            + b.path("status").asText()
            + took);
    if (!"COMPLETED".equals(b.path("status").asText())) {
      return;
    }
    Long stored = Backups.number(b, "sizeBytes");
    Long dumped = Backups.number(b, "dumpBytes");
    String encryption = Backups.text(b, "encryption");
    out.println(
        "  stored     "
            + (stored == null ? "-" : Units.bytes(stored))
            + " ("
            + b.path("compression").asText("?")
            + (encryption == null ? "" : ", " + encryption + " encrypted")
            + (dumped == null ? "" : "; dump " + Units.bytes(dumped))
            + ")");
    Long rows = Backups.rows(b);
    if (rows != null) {
      out.println(
          "  tables     " + b.path("tables").size() + " tables, " + Units.count(rows) + " rows");
    }
    out.println("  sha256     " + b.path("sha256").asText("-"));
    String migration = Backups.text(b, "migration");
    if (migration != null) {
      out.println("  migration  " + migration);
    }
    String reason = Backups.text(b, "reason");
    if (reason != null) {
      out.println("  reason     " + reason);
    }
  }
}
