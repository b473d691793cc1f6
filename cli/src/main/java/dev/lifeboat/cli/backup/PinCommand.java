package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lifeboat pin <backupId>}: keep a backup from retention. */
@Command(
    abbreviateSynopsis = true,
    name = "pin",
    sortOptions = false,
    header = "Pin a backup: retention never deletes it.",
    description = {
      "Pin a completed backup (PUT /api/v1/backups/{backupId}/pin on backup-service, role"
          + " lifeboat-admin): retention never deletes it, and neither does 'lifeboat delete'"
          + " until it is unpinned.",
      "Prints the backup's new state; exit 3 when there is no such backup, 5 when it is not"
          + " completed."
    })
public final class PinCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(paramLabel = "<backupId>", description = "the backup (bk_...)")
  String backupId;

  public PinCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    return setPin(session, backupId, true);
  }

  /** Pins or unpins a backup and prints its new state: one line, or the answer with --json. */
  static int setPin(Session session, String backupId, boolean pin) {
    String path = "/api/v1/backups/" + Query.encode(backupId) + "/pin";
    JsonNode backup =
        pin
            ? session.api().put(Service.BACKUP, path).body()
            : session.api().delete(Service.BACKUP, path).body();
    if (session.json()) {
      session.printJson(backup);
    } else {
      session.io().out().println(state(backup, backupId));
    }
    return ExitCodes.OK;
  }

  /** {@code backup bk_... of app: pinned (retention keeps it)}. */
  static String state(JsonNode backup, String backupId) {
    boolean pinned = backup.path("pinned").asBoolean();
    return "backup "
        + backup.path("backupId").asText(backupId)
        + " of "
        + backup.path("database").asText("?")
        + ": "
        + backup.path("status").asText("?")
        + ", "
        + (pinned ? "pinned (retention keeps it)" : "not pinned (retention may delete it)");
  }
}
