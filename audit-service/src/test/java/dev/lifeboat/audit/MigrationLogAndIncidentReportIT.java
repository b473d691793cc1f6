package dev.lifeboat.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A migration that went wrong and was rolled back, as its events arrive from pipelines and the
 * services: the migration log puts it together, and the incident report tells the restore.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class MigrationLogAndIncidentReportIT {
  private final AuditDatabase db = new AuditDatabase();
  @Inject CloudEventCodec codec;
  private SampleEvents samples;
  private String database;
  private String migration;
  private String backupId;
  private String restoreId;
  private final List<CloudEvent<?>> events = new ArrayList<>();
  private OffsetDateTime clock;

  private static String viewer() {
    return "Bearer " + Tokens.forRoles("vera", Roles.VIEWER);
  }

  private <T extends EventData> CloudEvent<T> add(
      EventType<T> type, String correlationId, String source, T data, long secondsLater) {
    clock = clock.plusSeconds(secondsLater);
    CloudEvent<T> e =
        new CloudEvent<>(
            CloudEvent.SPEC_VERSION,
            "ev-" + UUID.randomUUID(),
            source,
            type.name(),
            data.database(),
            clock,
            CloudEvent.DATA_CONTENT_TYPE,
            correlationId,
            data);
    events.add(e);
    return e;
  }

  @BeforeEach
  void aMigrationRolledBack() {
    samples = new SampleEvents(codec, TestServers.kafka());
    String hex = UUID.randomUUID().toString().substring(0, 8);
    database = "mig_" + hex;
    migration = "20260103_add_escrow_status_" + hex;
    backupId = "bk_20260103T090000Z_" + hex;
    restoreId = "rs_" + hex;
    clock = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).truncatedTo(ChronoUnit.SECONDS);
    String deploy = "deploy-" + hex;
    // The pipeline's command (no backupId yet), and backup-service's run of it.
    add(
        EventType.BACKUP_REQUESTED,
        deploy,
        "/pipelines/app-deploy",
        new BackupEvents.Requested(
            database,
            "pre-migration",
            migration,
            "deploy-pipeline",
            Map.of("release", "v1.4.0"),
            null),
        0);
    add(
        EventType.BACKUP_STARTED,
        deploy,
        "/lifeboat/backup-service",
        new BackupEvents.Started(backupId, database, migration),
        1);
    add(
        EventType.BACKUP_COMPLETED,
        deploy,
        "/lifeboat/backup-service",
        new BackupEvents.Completed(
            backupId,
            database,
            database + "/" + backupId + "/dump",
            5_242_880,
            52_428_800,
            "ff",
            3_000,
            12,
            migration),
        3);
    // The pipeline's facts; health-service's check after the migration finds problems.
    add(
        EventType.MIGRATION_STARTED,
        "m-" + hex,
        "/pipelines/app-deploy",
        new MigrationReported(database, migration, backupId),
        5);
    CloudEvent<MigrationReported> applied =
        add(
            EventType.MIGRATION_APPLIED,
            "m-" + hex,
            "/pipelines/app-deploy",
            new MigrationReported(database, migration, backupId),
            20);
    add(
        EventType.HEALTH_CHECKED,
        applied.id(),
        "/lifeboat/health-service",
        new HealthEvents.Checked(
            "chk_bad_" + hex,
            database,
            HealthEvents.Status.UNHEALTHY,
            backupId,
            3,
            "migration.applied"),
        4);
    // A responder rolls back.
    add(
        EventType.RESTORE_PLANNED,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Planned(
            restoreId,
            backupId,
            database,
            RestoreEvents.Mode.SWAP,
            "half the orders gone after the migration",
            "INC-4711"),
        120);
    CloudEvent<RestoreEvents.Confirmed> confirmed =
        add(
            EventType.RESTORE_CONFIRMED,
            restoreId,
            "/lifeboat/restore-service",
            new RestoreEvents.Confirmed(
                restoreId,
                backupId,
                database,
                RestoreEvents.Mode.SWAP,
                List.of(),
                null,
                false,
                "alice"),
            30);
    add(
        EventType.RESTORE_STARTED,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Started(restoreId, backupId, database, RestoreEvents.Mode.SWAP),
        1);
    add(
        EventType.RESTORE_PROGRESS,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Progress(restoreId, database, "verify-checksum", 0, 0, 0),
        0);
    add(
        EventType.RESTORE_PROGRESS,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Progress(restoreId, database, "restore-scratch", 20, 0, 0),
        2);
    // Progress within the step: the same step, not a new one.
    add(
        EventType.RESTORE_PROGRESS,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Progress(restoreId, database, "restore-scratch", 40, 0, 0),
        6);
    add(
        EventType.RESTORE_PROGRESS,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Progress(restoreId, database, "verify-rows", 60, 0, 0),
        4);
    add(
        EventType.RESTORE_PROGRESS,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Progress(restoreId, database, "swap", 80, 0, 0),
        1);
    add(
        EventType.RESTORE_COMPLETED,
        restoreId,
        "/lifeboat/restore-service",
        new RestoreEvents.Completed(restoreId, backupId, database, 14_000),
        1);
    add(
        EventType.HEALTH_CHECKED,
        restoreId,
        "/lifeboat/health-service",
        new HealthEvents.Checked(
            "chk_ok_" + hex,
            database,
            HealthEvents.Status.HEALTHY,
            backupId,
            0,
            "restore.completed"),
        5);
    // An unrelated database's events stay out.
    add(
        EventType.BACKUP_COMPLETED,
        "other",
        "/lifeboat/backup-service",
        new BackupEvents.Completed(
            "bk_20260103T090000Z_00000000", "unrelated", "k", 1, 1, "x", 1, 1, "other_migration"),
        1);
    samples.publish(events);
    // restore-service puts the confirmed command on both topics, with the same id.
    TestServers.kafka().send(Topics.EVENTS, database, samples.json(confirmed), Map.of());
    events.forEach(e -> db.awaitStored(e.id()));
  }

  @Test
  void theMigrationLogHasItsBackupChecksRestoreWhoDidWhatAndTheOutcome() {
    JsonPath log =
        given()
            .header("Authorization", viewer())
            .get("/api/v1/migrations/" + migration)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(migration, log.getString("migration"));
    assertEquals(List.of(database), log.getList("databases"));
    assertEquals("ROLLED_BACK", log.getString("outcome"));
    assertEquals("HEALTHY", log.getString("health"));
    assertEquals(backupId, log.getString("backups[0].backupId"));
    assertEquals("COMPLETED", log.getString("backups[0].status"));
    assertEquals("deploy-pipeline", log.getString("backups[0].requestedBy"));
    assertEquals(5_242_880L, log.getLong("backups[0].sizeBytes"));
    assertEquals(List.of("UNHEALTHY", "HEALTHY"), log.getList("checks.status"));
    assertEquals(restoreId, log.getString("restores[0].restoreId"));
    assertEquals("COMPLETED", log.getString("restores[0].status"));
    assertEquals("alice", log.getString("restores[0].confirmedBy"));
    List<String> types = log.getList("entries.type");
    assertEquals(
        events.size() - 1, types.size(), "every event of it once, none of the other database");
    assertEquals("dev.lifeboat.backup.requested", types.get(0));
    assertEquals("dev.lifeboat.health.checked", types.get(types.size() - 1));
    assertTrue(
        log.getList("entries.summary", String.class)
            .contains(
                "migration " + migration + " applied to " + database + " by /pipelines/app-deploy"),
        log.getList("entries.summary").toString());
    assertTrue(
        log.getList("entries.summary", String.class)
            .contains("restore " + restoreId + " confirmed by alice"));

    given()
        .header("Authorization", viewer())
        .get("/api/v1/migrations?limit=1000")
        .then()
        .statusCode(200)
        .body("migrations.migration", hasItem(migration))
        .body(
            "migrations.find { it.migration == '" + migration + "' }.lastFact",
            equalTo("dev.lifeboat.migration.applied"))
        .body(
            "migrations.find { it.migration == '" + migration + "' }.backupIds",
            equalTo(List.of(backupId)));

    given()
        .header("Authorization", viewer())
        .get("/api/v1/migrations/no_such_migration_" + UUID.randomUUID())
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().get("/api/v1/migrations").then().statusCode(401);
  }

  @Test
  void theIncidentReportTellsTheRestoreInTheTemplatesShape() {
    String report =
        given()
            .header("Authorization", viewer())
            .accept("text/markdown")
            .get("/api/v1/incidents/" + restoreId + "/report")
            .then()
            .statusCode(200)
            .contentType(containsString("text/markdown"))
            .extract()
            .asString();
    for (String expected :
        List.of(
            "# Incident Report: Restore of `" + database + "` from backup `" + backupId + "`",
            "Severity: [Critical/High/Medium/Low]",
            "Ticket: INC-4711\nReason: half the orders gone after the migration\n",
            "## Summary",
            "confirmed by alice",
            "## Impact",
            "## Timeline",
            ": Detected: health check chk_bad_",
            "UNHEALTHY (3 findings, against backup " + backupId + ")",
            ": Restore planned (SWAP, backup `" + backupId + "`)",
            ": Confirmed by alice",
            ": Safety backup: not requested",
            ": Rollback initiated (restore started)",
            "Step `verify-checksum` took 2.0 s",
            "Step `restore-scratch` took 10.0 s",
            "Step `verify-rows` took 1.0 s",
            "Step `swap` took 1.0 s",
            ": Service restored (restore completed in 14.0 s)",
            ": Health after: health check chk_ok_",
            "## Verification",
            "- `verify-checksum`: passed in 2.0 s",
            "- `verify-rows`: passed in 1.0 s",
            "## Root Cause",
            "## Resolution",
            "## Follow-up Actions",
            "## Lessons Learned")) {
      assertTrue(report.contains(expected), "missing \"" + expected + "\" in:\n" + report);
    }
    String timeline =
        report.substring(report.indexOf("## Timeline"), report.indexOf("## Verification"));
    assertEquals(
        report.indexOf("Step `restore-scratch`"),
        report.lastIndexOf("Step `restore-scratch`"),
        "one line for the step:\n" + timeline);
    assertTrue(
        timeline.indexOf("Detected") < timeline.indexOf("Restore planned")
            && timeline.indexOf("Restore planned") < timeline.indexOf("Service restored")
            && timeline.indexOf("Service restored") < timeline.indexOf("Health after"),
        "in order:\n" + timeline);

    given()
        .header("Authorization", viewer())
        .get("/api/v1/incidents/no-such-restore/report")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().get("/api/v1/incidents/" + restoreId + "/report").then().statusCode(401);
  }

  @Test
  void aFailureFromBeforeTheBackupIsNotWhatTheRestoreAnswers() {
    String hex = UUID.randomUUID().toString().substring(0, 8);
    String earlier = "early_" + hex;
    String backup = "bk_20260103T100000Z_" + hex;
    String restore = "rs_early_" + hex;
    events.clear();
    // Failed hours ago; the backup was taken after it, so restoring that backup does not undo it.
    add(
        EventType.MIGRATION_FAILED,
        "m-early-" + hex,
        "/pipelines/app-deploy",
        new MigrationReported(earlier, "20260102_old_" + hex, null),
        0);
    add(
        EventType.BACKUP_STARTED,
        "b-" + hex,
        "/lifeboat/backup-service",
        new BackupEvents.Started(backup, earlier, null),
        600);
    add(
        EventType.BACKUP_COMPLETED,
        "b-" + hex,
        "/lifeboat/backup-service",
        new BackupEvents.Completed(
            backup, earlier, earlier + "/" + backup + "/dump", 1, 1, "ff", 1_000, 1, null),
        1);
    add(
        EventType.RESTORE_PLANNED,
        restore,
        "/lifeboat/restore-service",
        new RestoreEvents.Planned(restore, backup, earlier, RestoreEvents.Mode.SWAP),
        60);
    add(
        EventType.RESTORE_STARTED,
        restore,
        "/lifeboat/restore-service",
        new RestoreEvents.Started(restore, backup, earlier, RestoreEvents.Mode.SWAP),
        1);
    add(
        EventType.RESTORE_COMPLETED,
        restore,
        "/lifeboat/restore-service",
        new RestoreEvents.Completed(restore, backup, earlier, 2_000),
        2);
    samples.publish(events);
    events.forEach(e -> db.awaitStored(e.id()));

    String report =
        given()
            .header("Authorization", viewer())
            .get("/api/v1/incidents/" + restore + "/report")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertTrue(report.contains(": Service restored (restore completed in 2.0 s)"), report);
    assertFalse(report.contains("Detected"), report);
  }

  @Test
  void theConfirmedCommandOnBothTopicsIsOneEntry() {
    assertEquals(
        1, db.count("correlation_id = ? AND type = 'dev.lifeboat.restore.confirmed'", restoreId));
    given()
        .header("Authorization", viewer())
        .get("/api/v1/events?correlationId=" + restoreId + "&type=dev.lifeboat.restore.confirmed")
        .then()
        .statusCode(200)
        .body("events", hasSize(1))
        .body("events[0].actor", equalTo("alice"));
  }
}
