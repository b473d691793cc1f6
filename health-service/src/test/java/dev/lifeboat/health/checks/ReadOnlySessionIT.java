package dev.lifeboat.health.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The session checks run in cannot write, and gives up on slow statements and held locks. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class ReadOnlySessionIT {
  @Inject DatabaseChecks checks;
  @Inject TargetDatabases targets;

  private static String show(PgConnection c, String setting) {
    return c.query("SHOW " + setting)
        .execute()
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getString(0);
  }

  @Test
  void theCheckSessionIsReadOnlyWithTimeouts() {
    TestServers.postgres().createDatabase("shop");
    PgConnection c = checks.connect(targets.get("shop"), "shop");
    try {
      assertEquals("on", show(c, "default_transaction_read_only"));
      assertEquals("1min", show(c, "statement_timeout"));
      assertEquals("1s", show(c, "lock_timeout")); // the test profile's
      assertEquals("lifeboat-health", show(c, "application_name"));
      RuntimeException refused =
          assertThrows(
              RuntimeException.class,
              () -> c.query("CREATE TABLE intruder (id int)").execute().await().indefinitely());
      assertTrue(refused.getMessage().contains("read-only transaction"), refused.getMessage());
    } finally {
      c.close().await().indefinitely();
    }
  }
}
