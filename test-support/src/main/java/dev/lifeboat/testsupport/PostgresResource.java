package dev.lifeboat.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a Quarkus test at the shared real PostgreSQL server.
 *
 * <p>Init arguments: {@code targets}, a comma-separated list of target databases to create and
 * register as {@code lifeboat.databases.<name>.*} (default {@code app}); {@code control}, the name
 * of Lifeboat's own control database to create and configure as the default datasource (default:
 * none); {@code lockedTargets}, target databases that exist but are registered with a wrong
 * password, to test how authentication failures are reported.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
  private String[] targets = {"app"};
  private String control = "";
  private String[] lockedTargets = {};

  @Override
  public void init(Map<String, String> initArgs) {
    String list = initArgs.getOrDefault("targets", "app").trim();
    targets = list.isEmpty() ? new String[0] : list.split("\\s*,\\s*");
    control = initArgs.getOrDefault("control", "").trim();
    String locked = initArgs.getOrDefault("lockedTargets", "").trim();
    lockedTargets = locked.isEmpty() ? new String[0] : locked.split("\\s*,\\s*");
  }

  @Override
  public Map<String, String> start() {
    PostgresEndpoint pg = TestServers.postgres();
    Map<String, String> config = new HashMap<>();
    for (String target : targets) {
      pg.createDatabase(target);
      config.put("lifeboat.databases." + target + ".url", pg.url(target));
      config.put("lifeboat.databases." + target + ".username", pg.username());
      config.put("lifeboat.databases." + target + ".password", pg.password());
    }
    for (String target : lockedTargets) {
      pg.createDatabase(target);
      config.put("lifeboat.databases." + target + ".url", pg.url(target));
      config.put("lifeboat.databases." + target + ".username", pg.username());
      config.put("lifeboat.databases." + target + ".password", "wrong-" + pg.password());
    }
    if (!control.isEmpty()) {
      pg.createDatabase(control);
      config.put("quarkus.datasource.username", pg.username());
      config.put("quarkus.datasource.password", pg.password());
      config.put("quarkus.datasource.reactive.url", pg.url(control));
      config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(control));
    }
    config.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    return config;
  }

  @Override
  public void stop() {
    // Shared by every test of this JVM; TestServers stops it when the JVM exits.
  }
}
