package dev.lifeboat.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Table;
import dev.lifeboat.cli.output.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat status}: one line per database, composed from backup-service (the last backups)
 * and health-service (the latest check). The databases are those named with {@code --database}, or
 * else every database among the newest 1000 backups.
 */
@Command(
    abbreviateSynopsis = true,
    name = "status",
    sortOptions = false,
    header = "Per database: last backup, verification, health.",
    description = {
      "Per database: the last completed backup (age, size, verified or not) and the latest health"
          + " check, from backup-service and health-service.",
      "Databases: --database (repeatable), else every database with a backup among the newest"
          + " 1000.",
      "Exit 1 when a database needs attention (no completed backup, the last backup older than"
          + " --max-age, the newest attempt FAILED, or UNHEALTHY); 6 when health-service cannot"
          + " be reached (its column then says so)."
    })
public final class StatusCommand implements Callable<Integer> {
  private static final String[] CHECK_TIME_FIELDS = {
    "checkedAt", "finishedAt", "completedAt", "createdAt", "time"
  };

  private final Session session;

  @Option(
      names = {"-d", "--database"},
      paramLabel = "DB",
      description = "a database to show; repeatable (default: every database with backups)")
  List<String> databases = new ArrayList<>();

  @Option(
      names = "--max-age",
      paramLabel = "AGE",
      defaultValue = "26h",
      description = "a last backup older than this needs attention (default ${DEFAULT-VALUE})")
  String maxAge;

  public StatusCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    Duration max = Units.parseDuration(maxAge);
    if (max == null) {
      throw new CliException(ExitCodes.USAGE, "--max-age '" + maxAge + "' is not like 26h or 7d");
    }
    ApiClient api = session.api();
    List<String> names = databases.isEmpty() ? knownDatabases(api) : databases;
    Instant now = session.io().clock().instant();
    List<DatabaseStatus> statuses = new ArrayList<>();
    String healthUnreachable = null;
    for (String database : names) {
      JsonNode backups =
          api.get(
              Service.BACKUP,
              "/api/v1/backups" + Query.of().with("database", database).with("limit", 100));
      JsonNode check = null;
      String healthError = null;
      try {
        check =
            first(
                api.get(
                    Service.HEALTH,
                    "/api/v1/checks" + Query.of().with("database", database).with("limit", 1)));
      } catch (CliException e) {
        if (e.exitCode() != ExitCodes.UNREACHABLE && e.exitCode() != ExitCodes.NOT_FOUND) {
          throw e;
        }
        healthError = e.getMessage();
        if (e.exitCode() == ExitCodes.UNREACHABLE) {
          healthUnreachable = e.getMessage();
        }
      }
      statuses.add(DatabaseStatus.of(database, backups, check, healthError, max, now));
    }
    if (session.json()) {
      ArrayNode array = ApiClient.JSON.createArrayNode();
      statuses.forEach(s -> array.add(s.toJson()));
      session.printJson(array);
    } else if (statuses.isEmpty()) {
      session
          .io()
          .out()
          .println("no databases known: no backups yet. Name them with --database DB.");
    } else {
      render(statuses, now).print(session.io().out());
      for (DatabaseStatus s : statuses) {
        for (String note : s.attention()) {
          session.io().out().println("! " + s.database() + ": " + note);
        }
      }
    }
    if (healthUnreachable != null) {
      session.io().err().println("warning: " + healthUnreachable);
    }
    if (statuses.stream().anyMatch(s -> !s.attention().isEmpty())) {
      return ExitCodes.FAILED;
    }
    return healthUnreachable != null ? ExitCodes.UNREACHABLE : ExitCodes.OK;
  }

  private static List<String> knownDatabases(ApiClient api) {
    TreeSet<String> names = new TreeSet<>();
    for (JsonNode b : api.get(Service.BACKUP, "/api/v1/backups?limit=1000")) {
      names.add(b.path("database").asText());
    }
    return new ArrayList<>(names);
  }

  /** The newest element of a list answer: a JSON array, or an object holding one. */
  static JsonNode first(JsonNode answer) {
    JsonNode list = answer;
    if (answer.isObject()) {
      for (String field : new String[] {"checks", "items", "results"}) {
        if (answer.path(field).isArray()) {
          list = answer.path(field);
        }
      }
    }
    return list.isArray() && !list.isEmpty() ? list.get(0) : null;
  }

  static Table render(List<DatabaseStatus> statuses, Instant now) {
    Table table =
        new Table("DATABASE", "LAST BACKUP", "AGE", "SIZE", "VERIFIED", "HEALTH", "CHECKED")
            .rightAligned(2, 3);
    for (DatabaseStatus s : statuses) {
      table.row(
          s.database(),
          s.lastBackupId(),
          s.lastBackupAt() == null ? null : Units.duration(Duration.between(s.lastBackupAt(), now)),
          s.lastBackupBytes() == null ? null : Units.bytes(s.lastBackupBytes()),
          s.verified(),
          s.health(),
          s.checkedAt() == null ? null : Units.ago(s.checkedAt(), now));
    }
    return table;
  }

  /** What {@code status} shows of one database. */
  record DatabaseStatus(
      String database,
      String lastBackupId,
      Instant lastBackupAt,
      Long lastBackupBytes,
      String verified,
      Instant verifiedAt,
      String health,
      String checkId,
      Instant checkedAt,
      List<String> attention) {

    static DatabaseStatus of(
        String database,
        JsonNode backups,
        JsonNode check,
        String healthError,
        Duration maxAge,
        Instant now) {
      JsonNode newest = backups.isArray() && !backups.isEmpty() ? backups.get(0) : null;
      JsonNode completed = null;
      JsonNode verifiedBackup = null;
      for (JsonNode b : backups) {
        boolean isCompleted = "COMPLETED".equals(b.path("status").asText());
        if (completed == null && isCompleted) {
          completed = b;
        }
        if (verifiedBackup == null && isCompleted && time(b, "verifiedAt") != null) {
          verifiedBackup = b;
        }
      }
      List<String> attention = new ArrayList<>();
      Instant completedAt = completed == null ? null : time(completed, "completedAt");
      if (completed == null) {
        attention.add("no completed backup");
      } else if (completedAt != null && Duration.between(completedAt, now).compareTo(maxAge) > 0) {
        attention.add(
            "the last completed backup is "
                + Units.duration(Duration.between(completedAt, now))
                + " old (more than "
                + Units.duration(maxAge)
                + ")");
      }
      if (newest != null && "FAILED".equals(newest.path("status").asText())) {
        Instant at = time(newest, "requestedAt");
        attention.add(
            "the newest backup "
                + newest.path("backupId").asText()
                + " FAILED"
                + (at == null ? "" : " " + Units.ago(at, now))
                + ": "
                + newest.path("failureReason").asText("no reason given"));
      }
      String verified;
      Instant verifiedAt = verifiedBackup == null ? null : time(verifiedBackup, "verifiedAt");
      if (completed == null) {
        verified = null;
      } else if (verifiedBackup == completed) {
        verified = "yes";
      } else if (verifiedBackup != null) {
        Instant older = time(verifiedBackup, "completedAt");
        verified =
            older == null
                ? "no"
                : "no; one " + Units.duration(Duration.between(older, now)) + " old is";
      } else {
        verified = "never";
      }
      String health;
      Instant checkedAt = null;
      String checkId = null;
      if (healthError != null) {
        health = "unknown";
      } else if (check == null) {
        health = "not checked";
      } else {
        health = check.path("status").asText("?");
        checkId = check.path("checkId").asText(null);
        for (String field : CHECK_TIME_FIELDS) {
          checkedAt = checkedAt != null ? checkedAt : time(check, field);
        }
        if ("UNHEALTHY".equals(health)) {
          attention.add(
              "the latest check " + (checkId == null ? "" : checkId + " ") + "is UNHEALTHY");
        }
      }
      return new DatabaseStatus(
          database,
          completed == null ? null : completed.path("backupId").asText(),
          completedAt,
          completed == null || !completed.path("sizeBytes").isNumber()
              ? null
              : completed.path("sizeBytes").asLong(),
          verified,
          verifiedAt,
          health,
          checkId,
          checkedAt,
          attention);
    }

    private static Instant time(JsonNode node, String field) {
      return Units.instant(node.path(field).asText(null));
    }

    ObjectNode toJson() {
      ObjectNode o = ApiClient.JSON.createObjectNode().put("database", database);
      ObjectNode last = o.putObject("lastBackup");
      last.put("backupId", lastBackupId);
      last.put("completedAt", lastBackupAt == null ? null : lastBackupAt.toString());
      if (lastBackupBytes != null) {
        last.put("sizeBytes", lastBackupBytes);
      }
      last.put("verified", "yes".equals(verified));
      o.put("lastVerifiedAt", verifiedAt == null ? null : verifiedAt.toString());
      ObjectNode h = o.putObject("health");
      h.put("status", health);
      h.put("checkId", checkId);
      h.put("checkedAt", checkedAt == null ? null : checkedAt.toString());
      ArrayNode a = o.putArray("attention");
      attention.forEach(a::add);
      return o;
    }
  }
}
