package dev.lifeboat.health.checks;

import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;

/**
 * The queries of one check run over one read-only session, each bounded by the session's timeouts
 * and waited for at most {@code patience}.
 */
final class ReadOnlySession {
  private final PgConnection connection;
  private final Duration patience;

  ReadOnlySession(PgConnection connection, Duration patience) {
    this.connection = connection;
    this.patience = patience;
  }

  RowSet<Row> query(String sql) {
    return connection.query(sql).execute().await().atMost(patience);
  }

  RowSet<Row> query(String sql, Tuple parameters) {
    return connection.preparedQuery(sql).execute(parameters).await().atMost(patience);
  }
}
