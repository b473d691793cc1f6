package dev.lifeboat.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-database schedules of checks and restore drills. */
@QuarkusTest
@TestProfile(ScheduleIT.Schedules.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class ScheduleIT {
  private final PostgresEndpoint pg = TestServers.postgres();

  public static class Schedules implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "lifeboat.health.databases.shop.check-schedule", "*/2 * * * * ?",
          "lifeboat.health.databases.shop.drill-schedule", "*/3 * * * * ?");
    }
  }

  @Test
  void checksAndDrillsRunOnTheirSchedules() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);
    ShopDatabase.create(pg);
    Manifest newest = StoredBackupFixture.backup(pg, TestServers.s3(), ShopDatabase.NAME, null);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                pg.queryLong(
                        "lifeboat_health",
                        "SELECT count(*) FROM health.checks WHERE database = 'shop'"
                            + " AND trigger = 'schedule' AND status = 'HEALTHY'"
                            + " AND baseline_backup_id = '"
                            + newest.backupId()
                            + "'")
                    > 0);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                pg.queryLong(
                        "lifeboat_health",
                        "SELECT count(*) FROM health.verifications WHERE backup_id = '"
                            + newest.backupId()
                            + "' AND requested_by = 'schedule' AND status = 'PASSED'"
                            + " AND drill AND restored AND row_counts_match")
                    > 0);
    assertEquals(
        0,
        pg.queryLong(
            "lifeboat_health",
            "SELECT count(*) FROM health.verifications WHERE backup_id = '"
                + newest.backupId()
                + "' AND status = 'FAILED'"));
  }
}
