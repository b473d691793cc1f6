package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat delete <backupId>}: delete a backup's stored objects, after the user typed its id
 * on the terminal, or with {@code --yes}.
 */
@Command(
    abbreviateSynopsis = true,
    name = "delete",
    sortOptions = false,
    header = "Delete a backup, after confirmation.",
    description = {
      "Delete a backup's dump and manifest (DELETE /api/v1/backups/{backupId} on backup-service,"
          + " role lifeboat-admin); the catalog keeps its record. There is no undo.",
      "Shows the backup and asks to type its id; on no terminal (a pipe, CI) it refuses (exit 2)"
          + " unless --yes. Exit 5 when the backup is pinned, still running or held by a restore,"
          + " 3 when there is no such backup, 8 when not confirmed."
    })
public final class DeleteCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(paramLabel = "<backupId>", description = "the backup (bk_...)")
  String backupId;

  @Option(names = "--yes", description = "delete without asking (scripts)")
  boolean yes;

  public DeleteCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    if (!yes && !session.io().prompt().interactive()) {
      throw new CliException(
          ExitCodes.USAGE,
          "delete asks for confirmation on a terminal, and stdin is none: pass --yes to delete "
              + backupId
              + " without asking");
    }
    String path = "/api/v1/backups/" + Query.encode(backupId);
    JsonNode backup = session.api().get(Service.BACKUP, path);
    String database = backup.path("database").asText("?");
    if (backup.path("pinned").asBoolean()) {
      throw new CliException(
          ExitCodes.CONFLICT,
          "backup " + backupId + " is pinned; unpin it first: lifeboat unpin " + backupId);
    }
    if (!yes) {
      String answer =
          session
              .io()
              .prompt()
              .ask(
                  "Delete backup "
                      + backupId
                      + " of "
                      + database
                      + " ("
                      + describe(backup)
                      + ")? Type the backup id to confirm; press Enter to cancel: ");
      if (answer == null || !answer.strip().equals(backupId)) {
        throw new CliException(
            ExitCodes.ABORTED,
            "not confirmed"
                + (answer == null || answer.isBlank() ? "" : " (the answer is not the backup id)")
                + ": backup "
                + backupId
                + " was not deleted");
      }
    }
    session.api().delete(Service.BACKUP, path);
    if (session.json()) {
      session.printJson(
          ApiClient.JSON
              .createObjectNode()
              .put("backupId", backupId)
              .put("database", database)
              .put("status", "DELETED"));
    } else {
      session.io().out().println("backup " + backupId + " of " + database + ": DELETED");
    }
    return ExitCodes.OK;
  }

  /** {@code COMPLETED, 1.5 MiB, taken 2026-01-02 14:30:22Z}. */
  private static String describe(JsonNode backup) {
    List<String> parts = new ArrayList<>();
    parts.add(backup.path("status").asText("?"));
    Long size = Backups.number(backup, "sizeBytes");
    if (size != null) {
      parts.add(Units.bytes(size));
    }
    Instant taken = Backups.takenAt(backup);
    if (taken != null) {
      parts.add("taken " + Units.time(taken));
    }
    String migration = Backups.text(backup, "migration");
    if (migration != null) {
      parts.add("migration " + migration);
    }
    return String.join(", ", parts);
  }
}
