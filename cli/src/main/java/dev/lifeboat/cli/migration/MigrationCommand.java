package dev.lifeboat.cli.migration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat migration started|applied|failed <db> <name>}: report a migration fact. */
@Command(
    abbreviateSynopsis = true,
    name = "migration",
    sortOptions = false,
    header = "Report that a migration started, was applied or failed.",
    description = {
      "Report a migration fact (POST /api/v1/migration-facts on health-service), which publishes"
          + " dev.lifeboat.migration.<fact> on lifeboat.events exactly as a pipeline would on"
          + " Kafka.",
      "After 'applied', health-service checks the database against --backup (default: the"
          + " backup taken before the migration); the check carries --correlation-id."
    })
public final class MigrationCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(index = "0", paramLabel = "<fact>", description = "started, applied or failed")
  MigrationFacts.Fact fact;

  @Parameters(index = "1", paramLabel = "<db>", description = "the target database")
  String database;

  @Parameters(index = "2", paramLabel = "<name>", description = "the migration's name")
  String migration;

  @Option(
      names = "--backup",
      paramLabel = "BACKUP_ID",
      description = "the backup taken before the migration")
  String backupId;

  @Option(
      names = "--correlation-id",
      paramLabel = "ID",
      description = "ties the fact to the pipeline run (default: the event's id)")
  String correlationId;

  @Option(
      names = "--exit-code",
      paramLabel = "N",
      description = "the migration command's exit code, to keep with the fact")
  Integer exitCode;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "the same key twice is one fact (e.g. the pipeline run's id)")
  String idempotencyKey;

  public MigrationCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    JsonNode reported =
        new MigrationFacts(session.api())
            .report(fact, database, migration, backupId, correlationId, exitCode, idempotencyKey);
    if (session.json()) {
      session.printJson(reported);
    } else {
      session
          .io()
          .out()
          .println(
              "reported migration."
                  + fact.spelt()
                  + " of "
                  + migration
                  + " on "
                  + database
                  + ": event "
                  + reported.path("eventId").asText("?")
                  + " (correlation id "
                  + reported.path("correlationId").asText("?")
                  + ")");
    }
    return ExitCodes.OK;
  }
}
