package dev.lifeboat.audit;

import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.TestServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** Reads the audit log's table directly, to assert on what is stored. */
final class AuditDatabase {
  static final String NAME = "lifeboat";
  private final PostgresEndpoint pg = TestServers.postgres();
  private final String database;

  AuditDatabase() {
    this(NAME);
  }

  AuditDatabase(String database) {
    this.database = database;
  }

  long count(String where, Object... params) {
    try (Connection c = pg.connect(database);
        var s = c.prepareStatement("SELECT count(*) FROM audit.events WHERE " + where)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      var rs = s.executeQuery();
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> strings(String sql, Object... params) {
    try (Connection c = pg.connect(database);
        var s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      var rs = s.executeQuery();
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the event with this id is stored. */
  void awaitStored(String eventId) {
    awaitCount(1, "event_id = ?", eventId);
  }

  void awaitCount(long expected, String where, Object... params) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> count(where, params) >= expected);
  }
}
