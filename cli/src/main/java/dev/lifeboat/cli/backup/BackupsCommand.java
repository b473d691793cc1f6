package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Table;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat backups [<db>]}: the backups, newest first. */
@Command(
    abbreviateSynopsis = true,
    name = "backups",
    sortOptions = false,
    header = "List backups, newest first.",
    description = "List backups, newest first (GET /api/v1/backups on backup-service).")
public final class BackupsCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(
      paramLabel = "<db>",
      arity = "0..1",
      description = "the database; all databases when left out")
  String database;

  @Option(
      names = {"-n", "--limit"},
      defaultValue = "20",
      description = "how many (1-1000, default ${DEFAULT-VALUE})")
  int limit;

  public BackupsCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    JsonNode backups =
        session
            .api()
            .get(
                Service.BACKUP,
                "/api/v1/backups" + Query.of().with("database", database).with("limit", limit));
    if (session.json()) {
      session.printJson(backups);
      return ExitCodes.OK;
    }
    PrintStream out = session.io().out();
    if (backups.isEmpty()) {
      out.println(database == null ? "no backups" : "no backups of " + database);
      return ExitCodes.OK;
    }
    render(backups, database == null, session.io().clock().instant()).print(out);
    return ExitCodes.OK;
  }

  static Table render(JsonNode backups, boolean withDatabase, Instant now) {
    Table table =
        withDatabase
            ? new Table(
                "BACKUP",
                "DATABASE",
                "STATUS",
                "TAKEN",
                "AGE",
                "SIZE",
                "ROWS",
                "VERIFIED",
                "PINNED",
                "MIGRATION/REASON")
            : new Table(
                "BACKUP",
                "STATUS",
                "TAKEN",
                "AGE",
                "SIZE",
                "ROWS",
                "VERIFIED",
                "PINNED",
                "MIGRATION/REASON");
    table.rightAligned(withDatabase ? new int[] {4, 5, 6} : new int[] {3, 4, 5});
    for (JsonNode b : backups) {
      Instant taken = Backups.takenAt(b);
      Long size = Backups.number(b, "sizeBytes");
      Long rows = Backups.rows(b);
      boolean completed = "COMPLETED".equals(b.path("status").asText());
      String migration = Backups.text(b, "migration");
      Object[] cells = {
        b.path("backupId").asText(),
        b.path("status").asText(),
        taken == null ? null : Units.time(taken),
        taken == null ? null : Units.duration(java.time.Duration.between(taken, now)),
        size == null ? null : Units.bytes(size),
        rows == null ? null : Units.count(rows),
        !completed ? null : Backups.text(b, "verifiedAt") != null ? "yes" : "no",
        b.path("pinned").asBoolean() ? "pinned" : "",
        migration != null ? migration : Backups.text(b, "reason")
      };
      if (withDatabase) {
        Object[] withDb = new Object[cells.length + 1];
        withDb[0] = cells[0];
        withDb[1] = b.path("database").asText();
        System.arraycopy(cells, 1, withDb, 2, cells.length - 1);
        table.row(withDb);
      } else {
        table.row(cells);
      }
    }
    return table;
  }
}
