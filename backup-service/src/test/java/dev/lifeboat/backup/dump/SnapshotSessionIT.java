package dev.lifeboat.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.TestServers;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's catalog view and its SQL row counts, the fallback when a dump cannot be scanned.
 */
class SnapshotSessionIT {
  private final PostgresEndpoint pg = TestServers.postgres();

  @Test
  void countsRowsAsOfTheSnapshotNotAsOfNow() throws Exception {
    pg.dropDatabase("snapshot_src");
    pg.createDatabase("snapshot_src");
    pg.execute(
        "snapshot_src",
        """
        CREATE TABLE t (id int);
        INSERT INTO t SELECT generate_series(1, 1000);
        CREATE SCHEMA s;
        CREATE TABLE s."Odd Name" (x text);
        INSERT INTO s."Odd Name" VALUES ('a'), ('b');
        """);
    var target =
        new TargetDatabase(
            "snapshot_src",
            pg.host(),
            pg.port(),
            "snapshot_src",
            pg.username(),
            Optional.of(pg.password()),
            Optional.empty(),
            7,
            Optional.empty());

    try (SnapshotSession snapshot = SnapshotSession.open(target)) {
      List<Manifest.Table> tables = snapshot.tables();
      pg.execute(
          "snapshot_src",
          "INSERT INTO t SELECT generate_series(1, 500); DELETE FROM s.\"Odd Name\"");

      List<Manifest.Table> counted = snapshot.countRows(tables);

      assertEquals(
          List.of("public.t=1000", "s.Odd Name=2"),
          counted.stream()
              .map(t -> t.schema() + "." + t.name() + "=" + t.rows())
              .sorted()
              .toList());
      assertTrue(snapshot.snapshotId().matches("[0-9A-F]+-[0-9A-F]+-\\d+"), snapshot.snapshotId());
      assertTrue(counted.stream().allMatch(t -> t.bytes() > 0));
    }
    assertEquals(1500, pg.queryLong("snapshot_src", "SELECT count(*) FROM t"));
  }
}
