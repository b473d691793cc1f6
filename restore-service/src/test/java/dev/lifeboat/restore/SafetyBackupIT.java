package dev.lifeboat.restore;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import io.minio.GetObjectArgs;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The safety backup taken by the real backup-service, run from its packaged jar (the build packages
 * backup-service before restore-service): an IN_PLACE restore asks for it on {@code
 * lifeboat.backup.requests}, waits for its {@code backup.completed}, and only then drops the
 * database.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_restore")
    })
class SafetyBackupIT {
  private static final Path BACKUP_SERVICE_JAR =
      Path.of("..", "backup-service", "target", "quarkus-app", "quarkus-run.jar");

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();

  private ServiceProcess backupService() {
    pg.createDatabase("lifeboat_backup_for_restores");
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", String.valueOf(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", S3Resource.DEFAULT_BUCKET);
    Map<String, String> properties = new HashMap<>();
    properties.put("quarkus.datasource.reactive.url", pg.url("lifeboat_backup_for_restores"));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl("lifeboat_backup_for_restores"));
    properties.put("lifeboat.databases.shop.url", pg.url("shop"));
    properties.put("lifeboat.databases.shop.username", pg.username());
    properties.put("lifeboat.databases.shop.password", pg.password());
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    properties.put("mp.jwt.verify.publickey.location", ServiceProcess.jwtPublicKeyFile());
    return ServiceProcess.start(
            BACKUP_SERVICE_JAR.toAbsolutePath().normalize(),
            env,
            properties,
            TestServers.baseDir().resolve("backup-service-for-restores.log"))
        .awaitReady(Duration.ofSeconds(90));
  }

  private static String bearer() {
    return "Bearer " + Tokens.forRoles("rita", Roles.RESPONDER);
  }

  @Test
  @SuppressWarnings("try") // the resource is held, not used: a running service, a held lock
  void anInPlaceRestoreWaitsForARealSafetyBackupThenRestores() throws Exception {
    pg.execute("lifeboat_restore", "DELETE FROM restore.restores");
    pg.dropDatabase("shop");
    pg.createDatabase("shop");
    pg.execute(
        "shop",
        """
        CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL);
        INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 4000) g;
        """);
    Manifest backup = StoredBackupFixture.backup(pg, s3, "shop", null);
    pg.execute(
        "shop",
        "UPDATE accounts SET balance = 0 WHERE id <= 1000; DELETE FROM accounts WHERE id > 3000");

    try (ServiceProcess backups = backupService();
        TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      var planned =
          given()
              .header("Authorization", bearer())
              .contentType("application/json")
              .body(
                  "{\"backupId\":\""
                      + backup.backupId()
                      + "\",\"database\":\"shop\",\"mode\":\"IN_PLACE\"}")
              .post("/api/v1/restores")
              .then()
              .statusCode(201)
              .extract();
      String restoreId = planned.path("restoreId");
      given()
          .header("Authorization", bearer())
          .contentType("application/json")
          .body("{\"confirmationCode\":\"" + planned.path("confirmationCode") + "\"}")
          .post("/api/v1/restores/" + restoreId + "/confirm")
          .then()
          .statusCode(202);

      var ofRestore =
          events.await(
              r ->
                  r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                      && r.value().contains("dev.lifeboat.restore.completed"),
              1,
              Duration.ofSeconds(120));
      assertEquals(1, ofRestore.size());
      assertEquals(4000, pg.queryLong("shop", "SELECT count(*) FROM accounts"));
      assertEquals(0, pg.queryLong("shop", "SELECT count(*) FROM accounts WHERE balance = 0"));

      JsonNode completed =
          json.readTree(
              events
                  .await(
                      r ->
                          r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                              && r.value().contains("dev.lifeboat.backup.completed"),
                      1,
                      Duration.ofSeconds(5))
                  .get(0)
                  .value());
      String safetyId = completed.path("data").path("backupId").asText();
      JsonNode restore =
          json.readTree(
              given()
                  .header("Authorization", bearer())
                  .get("/api/v1/restores/" + restoreId)
                  .then()
                  .statusCode(200)
                  .extract()
                  .asString());
      assertEquals(safetyId, restore.path("safetyBackupId").asText());
      assertEquals("DONE", restore.path("steps").get(1).path("state").asText());

      // The safety backup is a normal backup of the database as it was just before the restore.
      JsonNode manifest;
      try (var in =
          s3.client()
              .getObject(
                  GetObjectArgs.builder()
                      .bucket(S3Resource.DEFAULT_BUCKET)
                      .object("shop/" + safetyId + "/manifest.json")
                      .build())) {
        manifest = json.readTree(in);
      }
      assertEquals("pre-restore", manifest.path("reason").asText());
      assertEquals("rita", manifest.path("requestedBy").asText());
      assertEquals(restoreId, manifest.path("correlationId").asText());
      assertEquals(restoreId, manifest.path("labels").path("restoreId").asText());
      assertEquals(3000, manifest.path("tables").get(0).path("rows").asLong());
      assertEquals(
          List.of("dev.lifeboat.backup.requested"),
          events
              .matching(
                  r ->
                      r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                          && r.value().contains("dev.lifeboat.backup.requested"))
              .stream()
              .map(r -> "dev.lifeboat.backup.requested")
              .toList(),
          "one safety backup");
      assertTrue(
          pg.queryLong(
                  "lifeboat_backup_for_restores",
                  "SELECT count(*) FROM backup.backups WHERE command_id = 'pre-restore-"
                      + restoreId
                      + "'")
              == 1);
    }
  }

  private String plan(String body) {
    var planned =
        given()
            .header("Authorization", bearer())
            .contentType("application/json")
            .body(body)
            .post("/api/v1/restores")
            .then()
            .statusCode(201)
            .extract();
    String restoreId = planned.path("restoreId");
    given()
        .header("Authorization", bearer())
        .contentType("application/json")
        .body("{\"confirmationCode\":\"" + planned.path("confirmationCode") + "\"}")
        .post("/api/v1/restores/" + restoreId + "/confirm")
        .then()
        .statusCode(202);
    return restoreId;
  }

  private JsonNode restore(String restoreId) throws Exception {
    return json.readTree(
        given()
            .header("Authorization", bearer())
            .get("/api/v1/restores/" + restoreId)
            .then()
            .statusCode(200)
            .extract()
            .asString());
  }

  /** A backup whose manifest promises one row more than its dump holds: it fails verify-rows. */
  private void overstateRows(Manifest backup) throws Exception {
    String key = "shop/" + backup.backupId() + "/manifest.json";
    com.fasterxml.jackson.databind.node.ObjectNode manifest;
    try (var in =
        s3.client()
            .getObject(
                GetObjectArgs.builder().bucket(S3Resource.DEFAULT_BUCKET).object(key).build())) {
      manifest = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(in);
    }
    var table = (com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("tables").get(0);
    table.put("rows", table.path("rows").asLong() + 1);
    byte[] bytes = json.writeValueAsBytes(manifest);
    s3.client()
        .putObject(
            io.minio.PutObjectArgs.builder().bucket(S3Resource.DEFAULT_BUCKET).object(key).stream(
                    new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
  }

  private void shopAsBackedUpThenChanged() {
    pg.execute("lifeboat_restore", "DELETE FROM restore.restores");
    pg.dropDatabase("shop");
    pg.createDatabase("shop");
    pg.execute(
        "shop",
        """
        CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL);
        INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 4000) g;
        """);
  }

  @Test
  @SuppressWarnings("try") // the resource is held, not used: a running service
  void anInPlaceRestoreThatFailsAfterItsDropPutsTheSafetyBackupBack() throws Exception {
    shopAsBackedUpThenChanged();
    Manifest backup = StoredBackupFixture.backup(pg, s3, "shop", null);
    overstateRows(backup);
    pg.execute("shop", "DELETE FROM accounts WHERE id > 3000");

    try (ServiceProcess backups = backupService();
        TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      String restoreId =
          plan(
              "{\"backupId\":\""
                  + backup.backupId()
                  + "\",\"database\":\"shop\",\"mode\":\"IN_PLACE\"}");
      var failed =
          events.await(
              r ->
                  r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                      && r.value().contains("dev.lifeboat.restore.failed"),
              1,
              Duration.ofSeconds(120));
      String reason = json.readTree(failed.get(0).value()).path("data").path("reason").asText();
      JsonNode restore = restore(restoreId);
      String safetyId = restore.path("safetyBackupId").asText();
      assertTrue(
          reason.contains("row counts differ")
              && reason.contains("shop was put back from the safety backup " + safetyId),
          reason);
      assertEquals("FAILED", restore.path("status").asText());
      assertEquals(
          3000,
          pg.queryLong("shop", "SELECT count(*) FROM accounts"),
          "the database as it was before the restore, from its safety backup");
    }
  }

  @Test
  void aCompletedEventThatIsNotTheSafetyBackupSteersNothing() throws Exception {
    shopAsBackedUpThenChanged();
    Manifest backup = StoredBackupFixture.backup(pg, s3, "shop", null);
    pg.execute("shop", "DELETE FROM accounts WHERE id > 3000");

    // No backup-service runs: the only answer is a forged one, naming a backup that exists but
    // was not taken for this restore.
    try (TopicRecorder events = kafka.recorder(Topics.EVENTS);
        TopicRecorder requests = kafka.recorder(Topics.BACKUP_REQUESTS)) {
      String restoreId =
          plan(
              "{\"backupId\":\""
                  + backup.backupId()
                  + "\",\"database\":\"shop\",\"mode\":\"IN_PLACE\"}");
      requests.await(
          r ->
              r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                  && r.value().contains("dev.lifeboat.backup.requested"),
          1,
          Duration.ofSeconds(60));
      kafka.send(
          Topics.EVENTS,
          "shop",
          """
          {"specversion":"1.0","id":"forged-%s","source":"/elsewhere","type":"dev.lifeboat.backup.completed",
           "subject":"shop","datacontenttype":"application/json","correlationid":"%s",
           "data":{"backupId":"%s","database":"shop","objectKey":"%s","sizeBytes":%d,"dumpBytes":%d,
                   "sha256":"%s","durationMillis":1,"tables":1,"migration":null}}"""
              .formatted(
                  restoreId,
                  restoreId,
                  backup.backupId(),
                  backup.objectKey(),
                  backup.sizeBytes(),
                  backup.dumpBytes(),
                  backup.sha256()),
          Map.of());
      var failed =
          events.await(
              r ->
                  r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                      && r.value().contains("dev.lifeboat.restore.failed"),
              1,
              Duration.ofSeconds(60));
      String reason = json.readTree(failed.get(0).value()).path("data").path("reason").asText();
      assertTrue(
          reason.contains("is not the one taken for restore " + restoreId)
              && reason.endsWith("nothing was touched"),
          reason);
      assertEquals(3000, pg.queryLong("shop", "SELECT count(*) FROM accounts"), "not dropped");
    }
  }
}
