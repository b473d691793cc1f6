package dev.lifeboat.cli.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.backup.BackupProgress;
import dev.lifeboat.cli.health.CheckCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat guard <db> --migration <name> -- <command...>}: a pipeline's one step around a
 * migration. It takes the pre-migration backup, reports the migration started, runs the command,
 * reports it applied or failed, waits for health-service's post-migration check and says whether to
 * roll back, with the exact restore command.
 */
@Command(
    abbreviateSynopsis = true,
    name = "guard",
    sortOptions = false,
    header = "Run a migration between a backup and a check (a pipeline's one step).",
    description = {
      "Take a backup of <db> and wait for it, report migration.started, run <command>, report"
          + " migration.applied or migration.failed (with its exit code), wait for health-service's"
          + " post-migration check against that backup, and print its findings.",
      "Exit 0 when the check is HEALTHY; 1 when the backup failed (the command was not run); 9"
          + " when the command failed; 10 when the check is DEGRADED or UNHEALTHY. On 9 and 10 the"
          + " exact 'bin/lifeboat restore' command of the pre-migration backup is printed.",
      "Put the command after --, e.g.: lifeboat guard app --migration 042_drop_note --"
          + " psql -v ON_ERROR_STOP=1 -f 042_drop_note.sql"
    })
public final class GuardCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(index = "0", paramLabel = "<db>", description = "the target database")
  String database;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "<command>",
      description = "the migration's command and its arguments, after --")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--migration",
      required = true,
      paramLabel = "NAME",
      description = "the migration's name (kept with the backup and the facts)")
  String migration;

  @Option(
      names = "--correlation-id",
      paramLabel = "ID",
      description = "ties the facts and the check together (default: guard-<random>)")
  String correlationId;

  @Option(
      names = "--check-timeout",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description = "how long to wait for the post-migration check (default ${DEFAULT-VALUE})")
  long checkTimeoutSeconds;

  @Option(names = "--poll-interval", hidden = true, defaultValue = "1000")
  long pollMillis;

  public GuardCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    ApiClient api = session.api();
    MigrationFacts facts = new MigrationFacts(api);
    String correlation = correlationId != null ? correlationId : "guard-" + UUID.randomUUID();
    // With --json, stdout holds only the result object: progress and the command's output go to
    // stderr.
    PrintStream say = session.json() ? session.io().err() : session.io().out();
    ObjectNode result =
        ApiClient.JSON
            .createObjectNode()
            .put("database", database)
            .put("migration", migration)
            .put("correlationId", correlation);

    JsonNode backup = backup(api);
    String backupId = backup.path("backupId").asText();
    result.put("backupId", backupId).put("backupStatus", backup.path("status").asText());
    if (!"COMPLETED".equals(backup.path("status").asText())) {
      session
          .io()
          .err()
          .println(
              "error: the backup before "
                  + migration
                  + " failed ("
                  + backup.path("failureReason").asText("no reason given")
                  + "); the migration was not run");
      return finish(result.put("outcome", "BACKUP_FAILED"), ExitCodes.FAILED);
    }
    say.println("backup " + backupId + " of " + database + " taken before " + migration);
    String restore = "bin/lifeboat restore " + backupId;
    result.put("restoreCommand", restore);

    facts.report(
        MigrationFacts.Fact.STARTED,
        database,
        migration,
        backupId,
        correlation,
        null,
        correlation + ":started");
    say.println("running " + String.join(" ", command));
    int exit = run(say);
    result.put("commandExitCode", exit);
    if (exit != 0) {
      facts.report(
          MigrationFacts.Fact.FAILED,
          database,
          migration,
          backupId,
          correlation,
          exit,
          correlation + ":failed");
      session.io().err().println("error: the migration command exited " + exit);
      session.io().err().println("to roll " + database + " back: " + restore);
      return finish(result.put("outcome", "COMMAND_FAILED"), ExitCodes.MIGRATION_FAILED);
    }
    facts.report(
        MigrationFacts.Fact.APPLIED,
        database,
        migration,
        backupId,
        correlation,
        0,
        correlation + ":applied");
    say.println("applied; waiting for the post-migration check of " + database);

    JsonNode check = awaitCheck(api, correlation);
    result.set("check", check);
    CheckCommand.print(say, check);
    if (!"HEALTHY".equals(check.path("status").asText())) {
      session.io().err().println("to roll " + database + " back: " + restore);
      return finish(result.put("outcome", "CHECK_FAILED"), ExitCodes.CHECK_FAILED);
    }
    return finish(result.put("outcome", "HEALTHY"), ExitCodes.OK);
  }

  private int finish(ObjectNode result, int exitCode) {
    if (session.json()) {
      session.printJson(result);
    }
    return exitCode;
  }

  private JsonNode backup(ApiClient api) {
    ObjectNode body =
        ApiClient.JSON
            .createObjectNode()
            .put("database", database)
            .put("migration", migration)
            .put("reason", "before migration " + migration + " (lifeboat guard)");
    String backupId =
        api.post(Service.BACKUP, "/api/v1/backups", body).body().path("backupId").asText(null);
    if (backupId == null) {
      throw new CliException(
          ExitCodes.SERVICE_ERROR, "backup-service accepted the request but named no backup");
    }
    return session.following(
        "the backup goes on; the migration was not run",
        () ->
            new BackupProgress(
                    api, session.io(), Duration.ofMillis(Math.max(50, pollMillis)), !session.json())
                .follow(backupId, database));
  }

  /** Runs the command with its output passed on, and returns its exit code (127: not started). */
  private int run(PrintStream output) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.INHERIT);
    try {
      Process process = builder.start();
      try (InputStream in = process.getInputStream()) {
        in.transferTo(output);
      }
      output.flush();
      return process.waitFor();
    } catch (IOException e) {
      session.io().err().println("error: cannot run " + command.get(0) + ": " + e.getMessage());
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(130, "interrupted while the migration command ran");
    }
  }

  /** The check health-service runs after {@code migration.applied}, found by correlation id. */
  private JsonNode awaitCheck(ApiClient api, String correlation) {
    String path =
        "/api/v1/checks"
            + Query.of()
                .with("database", database)
                .with("correlationId", correlation)
                .with("limit", 1);
    long deadline = System.nanoTime() + Duration.ofSeconds(checkTimeoutSeconds).toNanos();
    while (true) {
      JsonNode checks = api.get(Service.HEALTH, path);
      if (checks.size() > 0 && checks.get(0).hasNonNull("status")) {
        return checks.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "health-service reported no post-migration check of "
                + database
                + " within "
                + checkTimeoutSeconds
                + " s; run: bin/lifeboat check "
                + database);
      }
      Session.pause(Duration.ofMillis(Math.max(50, pollMillis)));
    }
  }
}
