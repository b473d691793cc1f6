package dev.lifeboat.archive.server;

import dev.lifeboat.common.databases.TargetDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.net.ssl.SSLException;

/**
 * JDBC connections to a target's server, built in one place: credentials, TLS as the target's URL
 * says ({@link dev.lifeboat.common.databases.TargetTls}), a connect timeout and the name the server
 * shows in {@code pg_stat_activity}.
 */
public final class TargetJdbc {
  private TargetJdbc() {}

  /** A connection to {@code database} on the target's server (another than the target's own). */
  public static Connection connect(TargetDatabase target, String database, String applicationName)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", target.username());
    target.password().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("connectTimeout", "10");
    target.tls().jdbcProperties().forEach(props::setProperty);
    String url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + database;
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw tlsFailure(target, e);
    }
  }

  /** A connection to the target database itself. */
  public static Connection connect(TargetDatabase target, String applicationName)
      throws SQLException {
    return connect(target, target.database(), applicationName);
  }

  /**
   * A TLS failure says so in one line naming the target, instead of pgjdbc's nested certificate
   * path messages: the usual cause is a wrong {@code sslrootcert} or a host name the certificate
   * does not name.
   */
  private static SQLException tlsFailure(TargetDatabase target, SQLException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException
          || cause.getClass().getName().startsWith("java.security.cert.")) {
        return new SQLException(
            "TLS to database "
                + target.name()
                + " ("
                + target.host()
                + ":"
                + target.port()
                + ", sslmode="
                + target.tls().mode().orElse("prefer")
                + ") failed: the server's certificate is not trusted by sslrootcert"
                + target.tls().rootCert().map(f -> " " + f).orElse("")
                + " or does not name the host ("
                + rootMessage(e)
                + ")",
            e.getSQLState(),
            e);
      }
    }
    return e;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
