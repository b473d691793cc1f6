package dev.lifeboat.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Encrypted backups: drilled and compared column by column with the identities configured. */
@QuarkusTest
@TestProfile(EncryptedBackupIT.WithIdentities.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class EncryptedBackupIT {
  private final PostgresEndpoint pg = TestServers.postgres();

  public static class WithIdentities implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("lifeboat.health.encryption.identities", StoredBackupFixture.AGE_IDENTITY);
    }
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("rita", role);
  }

  @Test
  void anEncryptedBackupIsDrilledAndItsColumnsCompared() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);
    ShopDatabase.create(pg);
    Manifest encrypted =
        StoredBackupFixture.encryptedBackup(pg, TestServers.s3(), ShopDatabase.NAME);
    pg.execute("shop", "ALTER TABLE orders DROP COLUMN total");

    JsonPath report =
        given()
            .header("Authorization", bearer(Roles.RESPONDER))
            .contentType("application/json")
            .body("{\"database\":\"shop\"}")
            .post("/api/v1/checks")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    assertEquals(encrypted.backupId(), report.getString("baselineBackupId"));
    assertEquals(
        List.of(
            "column total of public.orders was dropped: backup "
                + encrypted.backupId()
                + " has it"),
        report.getList("findings.message"),
        report.prettify());

    String id =
        given()
            .header("Authorization", bearer(Roles.RESPONDER))
            .contentType("application/json")
            .body("{\"backupId\":\"" + encrypted.backupId() + "\",\"drill\":true}")
            .post("/api/v1/verifications")
            .then()
            .statusCode(202)
            .extract()
            .path("verificationId");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                !"RUNNING"
                    .equals(
                        given()
                            .header("Authorization", bearer(Roles.VIEWER))
                            .get("/api/v1/verifications/" + id)
                            .then()
                            .extract()
                            .path("status")));
    JsonPath v =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .get("/api/v1/verifications/" + id)
            .then()
            .extract()
            .jsonPath();
    assertEquals("PASSED", v.getString("status"), v.prettify());
    assertTrue(v.getBoolean("drill.restored"));
    assertTrue(v.getBoolean("drill.rowCountsMatch"));
    assertEquals(
        0,
        pg.queryLong(
            "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop\\_lbv\\_%'"));
  }
}
