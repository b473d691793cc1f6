package dev.lifeboat.cli.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.ApiException;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat restore <backupId>}: plan a restore, show its steps and the data it would lose,
 * ask for the confirmation code, confirm, and follow the steps until the end. With a restore id
 * ({@code rs_...}) instead: confirm, follow or cancel a restore planned before.
 */
@Command(
    abbreviateSynopsis = true,
    name = "restore",
    sortOptions = false,
    header = "Plan, confirm and follow a restore (rollback).",
    description = {
      "Restore a backup (restore-service): plan it, show the steps and the data-loss table (rows"
          + " now against rows in the backup), ask for the confirmation code, then follow the"
          + " steps live until COMPLETED (exit 0), FAILED or CANCELLED (exit 1).",
      "With a restore id (rs_...) instead of a backup id: show that restore, confirm it"
          + " (--confirm CODE), follow it, or --cancel it."
    })
public final class RestoreCommand implements Callable<Integer> {
  /** The modes of the contract. */
  public enum Mode {
    SWAP,
    NEW_DATABASE,
    IN_PLACE,
    TABLES
  }

  private final Session session;

  @Parameters(
      paramLabel = "<id>",
      description = "a backup id (bk_...) to restore, or a planned restore's id (rs_...)")
  String id;

  @Option(
      names = "--database",
      paramLabel = "DB",
      description = "the database to restore (default: the backup's own)")
  String database;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "SWAP (default: scratch database, verify, swap names), NEW_DATABASE, IN_PLACE or TABLES")
  Mode mode;

  @Option(
      names = "--table",
      paramLabel = "SCHEMA.TABLE",
      description = "with TABLES (implied): a table to restore; repeatable")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--new-database",
      paramLabel = "NAME",
      description = "with NEW_DATABASE (implied): the database to create")
  String newDatabase;

  @Option(
      names = "--safety-backup",
      negatable = true,
      description =
          "take a backup of the database before overwriting it (default: yes for IN_PLACE and"
              + " TABLES, no otherwise)")
  Boolean safetyBackup;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "why: kept with the restore, in its events and the incident report")
  String reason;

  @Option(
      names = "--ticket",
      paramLabel = "ID",
      description = "the incident or change ticket (e.g. INC-4711), kept as --reason is")
  String ticket;

  @Option(names = "--dry-run", description = "show the plan only; nothing is stored")
  boolean dryRun;

  @Option(
      names = "--plan-only",
      description = "plan and print the restore id and confirmation code, then stop")
  boolean planOnly;

  @Option(
      names = "--yes",
      description = "confirm with the plan's code without asking (scripts that accept the loss)")
  boolean yes;

  @Option(
      names = "--confirm",
      paramLabel = "CODE",
      description = "with a restore id: confirm it with this code without asking")
  String code;

  @Option(names = "--cancel", description = "with a restore id: cancel it")
  boolean cancel;

  @Option(names = "--no-follow", description = "return once confirmed, without following")
  boolean noFollow;

  @Option(
      names = "--poll-interval",
      hidden = true,
      defaultValue = "1000",
      description = "milliseconds between two looks at a running restore")
  long pollMillis;

  public RestoreCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    if (id.startsWith("rs_")) {
      return existing();
    }
    if (!id.startsWith("bk_")) {
      throw usage("'" + id + "' is neither a backup id (bk_...) nor a restore id (rs_...)");
    }
    checkPlanOptions();
    return plan();
  }

  private void checkPlanOptions() {
    if (cancel) {
      throw usage("--cancel takes a restore id (rs_...), not a backup id");
    }
    if (code != null) {
      throw usage(
          "--confirm takes a restore id: the code comes with the plan. Plan with --plan-only,"
              + " then run: lifeboat restore <restoreId> --confirm <code>; or plan and confirm at"
              + " once with --yes");
    }
    if (dryRun && (planOnly || yes)) {
      throw usage("--dry-run stores nothing, so it goes with neither --plan-only nor --yes");
    }
    if (planOnly && yes) {
      throw usage("--plan-only and --yes contradict each other");
    }
    if (mode == null && newDatabase != null) {
      mode = Mode.NEW_DATABASE;
    }
    if (mode == null && !tables.isEmpty()) {
      mode = Mode.TABLES;
    }
    if (mode == Mode.NEW_DATABASE && newDatabase == null) {
      throw usage("--mode NEW_DATABASE needs --new-database NAME");
    }
    if (mode != Mode.NEW_DATABASE && newDatabase != null) {
      throw usage("--new-database goes with --mode NEW_DATABASE only");
    }
    if (mode == Mode.TABLES && tables.isEmpty()) {
      throw usage("--mode TABLES needs at least one --table SCHEMA.TABLE");
    }
    if (mode != Mode.TABLES && !tables.isEmpty()) {
      throw usage("--table goes with --mode TABLES only");
    }
  }

  private int plan() {
    ApiClient api = session.api();
    PrintStream view = session.json() ? session.io().err() : session.io().out();
    if (database == null) {
      database =
          api.get(Service.BACKUP, "/api/v1/backups/" + Query.encode(id))
              .path("database")
              .asText(null);
      if (database == null) {
        throw new CliException(
            ExitCodes.SERVICE_ERROR, "backup-service did not say which database " + id + " is of");
      }
    }
    ObjectNode request =
        ApiClient.JSON.createObjectNode().put("backupId", id).put("database", database);
    if (mode != null) {
      request.put("mode", mode.name());
    }
    if (!tables.isEmpty()) {
      tables.forEach(request.putArray("tables")::add);
    }
    if (newDatabase != null) {
      request.put("newDatabase", newDatabase);
    }
    if (safetyBackup != null) {
      request.put("safetyBackup", safetyBackup);
    }
    if (reason != null) {
      request.put("reason", reason);
    }
    if (ticket != null) {
      request.put("ticket", ticket);
    }
    JsonNode plan =
        api.postSlow(Service.RESTORE, "/api/v1/restores" + (dryRun ? "?dryRun=true" : ""), request)
            .body();
    Instant now = session.io().clock().instant();
    if (session.json() && (dryRun || planOnly)) {
      session.printJson(plan);
      return ExitCodes.OK;
    }
    PlanView.print(view, plan, now);
    if (dryRun) {
      view.println();
      view.println("Dry run: nothing was planned or stored.");
      return ExitCodes.OK;
    }
    String restoreId = plan.path("restoreId").asText();
    String planCode = plan.path("confirmationCode").asText();
    Instant expires = Units.instant(plan.path("expiresAt").asText(null));
    view.println();
    if (planOnly) {
      view.println(
          "Confirmation code: "
              + planCode
              + (expires == null ? "" : " (valid until " + Units.time(expires) + ")"));
      view.println("Confirm with: lifeboat restore " + restoreId + " --confirm " + planCode);
      return ExitCodes.OK;
    }
    if (yes) {
      confirm(restoreId, planCode);
    } else {
      String question =
          "To restore "
              + database
              + " from "
              + id
              + ", type the confirmation code "
              + planCode
              + (expires == null ? "" : " (valid until " + Units.time(expires) + ")")
              + "; press Enter to cancel: ";
      if (!askOrCancelOnExit(restoreId, question)) {
        cancelQuietly(restoreId);
        throw new CliException(
            ExitCodes.ABORTED,
            "not confirmed: restore " + restoreId + " was cancelled; nothing changed");
      }
    }
    return followOrReturn(restoreId);
  }

  /**
   * Asks for the code of a plan made by this command; should the user leave with Ctrl-C instead,
   * the plan is cancelled, so that it does not block other restores of the database until it
   * expires.
   */
  private boolean askOrCancelOnExit(String restoreId, String question) {
    Thread cancelOnExit =
        new Thread(
            () -> {
              cancelQuietly(restoreId);
              session.io().err().println("\n(not confirmed: restore " + restoreId + " cancelled)");
            },
            "lifeboat-cancel-unconfirmed");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      return askAndConfirm(restoreId, question);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook cancels the plan.
      }
    }
  }

  /** Asks until a code is accepted (true) or the user gives none (false). */
  private boolean askAndConfirm(String restoreId, String question) {
    while (true) {
      String answer = session.io().prompt().ask(question);
      if (answer == null || answer.isBlank()) {
        return false;
      }
      try {
        confirm(restoreId, answer.strip());
        return true;
      } catch (ApiException e) {
        if (e.status() != 409 || !awaitingConfirmation(restoreId)) {
          throw e;
        }
        session.io().err().println("error: " + e.getMessage());
      }
    }
  }

  private boolean awaitingConfirmation(String restoreId) {
    return "AWAITING_CONFIRMATION".equals(restore(restoreId).path("status").asText());
  }

  private void confirm(String restoreId, String confirmationCode) {
    session
        .api()
        .post(
            Service.RESTORE,
            "/api/v1/restores/" + Query.encode(restoreId) + "/confirm",
            ApiClient.JSON.createObjectNode().put("confirmationCode", confirmationCode));
    session.io().err().println("restore " + restoreId + ": confirmed");
  }

  private void cancelQuietly(String restoreId) {
    try {
      session
          .api()
          .post(
              Service.RESTORE,
              "/api/v1/restores/" + Query.encode(restoreId) + "/cancel",
              ApiClient.JSON.createObjectNode());
    } catch (CliException e) {
      session.io().err().println("warning: could not cancel " + restoreId + ": " + e.getMessage());
    }
  }

  private JsonNode restore(String restoreId) {
    return session.api().get(Service.RESTORE, "/api/v1/restores/" + Query.encode(restoreId));
  }

  /** {@code restore rs_...}: show, confirm, follow or cancel a restore planned before. */
  private int existing() {
    if (dryRun || planOnly || mode != null || newDatabase != null || !tables.isEmpty()) {
      throw usage(
          "a restore id (rs_...) names a planned restore; plan options (--mode, --table,"
              + " --new-database, --dry-run, --plan-only) go with a backup id");
    }
    if (yes) {
      throw usage(
          "--yes goes with a backup id; the code of a restore planned before is needed:"
              + " --confirm CODE");
    }
    if (cancel) {
      JsonNode cancelled =
          session
              .api()
              .post(
                  Service.RESTORE,
                  "/api/v1/restores/" + Query.encode(id) + "/cancel",
                  ApiClient.JSON.createObjectNode())
              .body();
      if (session.json()) {
        session.printJson(cancelled);
      } else if ("CANCELLED".equals(cancelled.path("status").asText())) {
        session.io().out().println("restore " + id + ": CANCELLED");
      } else {
        // A running restore stops at its next step boundary, before its point of no return.
        session
            .io()
            .out()
            .println(
                "restore "
                    + id
                    + ": "
                    + cancelled.path("status").asText()
                    + ", cancel requested (follow it: lifeboat restore "
                    + id
                    + ")");
      }
      return ExitCodes.OK;
    }
    JsonNode restore = restore(id);
    String status = restore.path("status").asText();
    if ("AWAITING_CONFIRMATION".equals(status)) {
      PrintStream view = session.json() ? session.io().err() : session.io().out();
      PlanView.print(view, restore, session.io().clock().instant());
      view.println();
      if (code != null) {
        confirm(id, code);
      } else if (!askAndConfirm(
          id,
          "Type the confirmation code shown when "
              + id
              + " was planned; press Enter to leave it unconfirmed: ")) {
        throw new CliException(ExitCodes.ABORTED, "not confirmed: restore " + id + " still awaits");
      }
    } else if (code != null && !RestoreFollower.FINAL.contains(status)) {
      session.io().err().println("restore " + id + " is already " + status + "; following it");
    }
    return followOrReturn(id);
  }

  private int followOrReturn(String restoreId) {
    if (noFollow) {
      JsonNode now = restore(restoreId);
      if (session.json()) {
        session.printJson(now);
      } else {
        session
            .io()
            .out()
            .println(
                "restore "
                    + restoreId
                    + ": "
                    + now.path("status").asText()
                    + " (follow it: lifeboat restore "
                    + restoreId
                    + ")");
      }
      return ExitCodes.OK;
    }
    JsonNode done =
        session.following(
            "the restore goes on; follow it again with: lifeboat restore "
                + restoreId
                + " (stop it with --cancel)",
            () ->
                new RestoreFollower(
                        session.api(), session.io(), Duration.ofMillis(Math.max(50, pollMillis)))
                    .follow(restoreId));
    return finish(done);
  }

  private int finish(JsonNode r) {
    String status = r.path("status").asText();
    String restoreId = r.path("restoreId").asText();
    if (session.json()) {
      session.printJson(r);
    } else {
      session.io().out().println(summary(r));
    }
    switch (status) {
      case "COMPLETED":
        return ExitCodes.OK;
      case "FAILED":
        {
          String step = null;
          for (JsonNode s : r.path("steps")) {
            if ("FAILED".equals(s.path("state").asText())) {
              step = s.path("name").asText();
            }
          }
          session
              .io()
              .err()
              .println(
                  "error: restore "
                      + restoreId
                      + " failed"
                      + (step == null ? "" : " at step " + step)
                      + ": "
                      + r.path("finishedReason").asText("no reason given"));
          return ExitCodes.FAILED;
        }
      default:
        session
            .io()
            .err()
            .println(
                "error: restore "
                    + restoreId
                    + " was cancelled: "
                    + r.path("finishedReason").asText("no reason given"));
        return ExitCodes.FAILED;
    }
  }

  static String summary(JsonNode r) {
    String status = r.path("status").asText();
    String database = r.path("database").asText();
    String backupId = r.path("backupId").asText();
    String restoreId = r.path("restoreId").asText();
    Instant confirmed = Units.instant(r.path("confirmedAt").asText(null));
    Instant finished = Units.instant(r.path("finishedAt").asText(null));
    String took =
        confirmed != null && finished != null
            ? " in " + Units.duration(Duration.between(confirmed, finished))
            : "";
    String head = "restore " + restoreId + " of " + database + ": " + status + took;
    String safety = r.path("safetyBackupId").asText(null);
    if (safety != null) {
      head += " (safety backup " + safety + ")";
    }
    if (!"COMPLETED".equals(status)) {
      return head;
    }
    String undo = r.path("undo").path("database").asText(database + "_pre_" + restoreId);
    return head
        + switch (r.path("mode").asText("SWAP")) {
          case "SWAP" ->
              "; "
                  + database
                  + " now holds backup "
                  + backupId
                  + "; the database it replaced is kept as "
                  + undo;
          case "NEW_DATABASE" ->
              "; "
                  + r.path("newDatabase").asText()
                  + " holds backup "
                  + backupId
                  + "; "
                  + database
                  + " is untouched";
          case "IN_PLACE" -> "; " + database + " was recreated from backup " + backupId;
          default -> "; the tables were restored from backup " + backupId;
        };
  }

  private static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }
}
