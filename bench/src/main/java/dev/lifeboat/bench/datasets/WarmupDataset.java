package dev.lifeboat.bench.datasets;

import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.PostgresEndpoint;

/**
 * A tiny database backed up once before any measurement, so that the first measured backup pays
 * neither the Kafka consumer's group join nor the service's JIT warm-up.
 */
public final class WarmupDataset implements Dataset {
  @Override
  public String name() {
    return "warmup";
  }

  @Override
  public String description() {
    return "one table of 1000 rows, not measured";
  }

  @Override
  public void create(PostgresEndpoint pg, PostgresTools tools) {
    pg.createDatabase(name());
    pg.execute(
        name(),
        "CREATE TABLE warm (id int PRIMARY KEY, note text);"
            + " INSERT INTO warm SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
  }
}
