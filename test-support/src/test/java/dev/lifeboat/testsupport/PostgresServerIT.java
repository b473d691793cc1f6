package dev.lifeboat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresServerIT {
  private final PostgresEndpoint pg = TestServers.postgres();

  @Test
  void answersQueriesInADatabaseItCreated() {
    pg.createDatabase("smoke");
    pg.execute(
        "smoke",
        "CREATE TABLE IF NOT EXISTS t (id int primary key); TRUNCATE t;"
            + " INSERT INTO t SELECT g FROM generate_series(1, 1000) g");

    assertEquals(1000, pg.queryLong("smoke", "SELECT count(*) FROM t"));
    assertEquals(500500, pg.queryLong("smoke", "SELECT sum(id) FROM t"));
  }

  @Test
  void requiresThePassword() {
    assertThrows(
        SQLException.class,
        () -> DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), "wrong").close());
  }

  @Test
  void clientToolsAreAtLeastTheServersMajorVersion() {
    long serverMajor =
        pg.queryLong("postgres", "SELECT current_setting('server_version_num')::int / 10000");
    assertTrue(Files.isExecutable(pg.clientBinDir().resolve("pg_dump")));
    assertTrue(PostgresBinaries.majorVersion(pg.clientBinDir()) >= serverMajor);
  }
}
