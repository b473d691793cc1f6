package dev.lifeboat.cli.backup;

import dev.lifeboat.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lifeboat unpin <backupId>}: hand a pinned backup back to retention. */
@Command(
    abbreviateSynopsis = true,
    name = "unpin",
    sortOptions = false,
    header = "Unpin a backup: retention may delete it again.",
    description = {
      "Unpin a backup (DELETE /api/v1/backups/{backupId}/pin on backup-service, role"
          + " lifeboat-admin): retention treats it as any other backup again, and 'lifeboat"
          + " delete' may delete it.",
      "Prints the backup's new state; exit 3 when there is no such backup."
    })
public final class UnpinCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(paramLabel = "<backupId>", description = "the backup (bk_...)")
  String backupId;

  public UnpinCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    return PinCommand.setPin(session, backupId, false);
  }
}
