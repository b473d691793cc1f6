package dev.lifeboat.bench.datasets;

import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.PostgresEndpoint;

/**
 * pgbench's own tables ({@code pgbench -i}): few, large, with highly compressible rows. Scale 100
 * is about 1.5 GB.
 */
public record PgbenchDataset(int scale) implements Dataset {
  @Override
  public String name() {
    return "pgbench";
  }

  @Override
  public String description() {
    return "`pgbench -i -s " + scale + "`";
  }

  @Override
  public void create(PostgresEndpoint pg, PostgresTools tools) {
    pg.createDatabase(name());
    tools.program("pgbench", "-i", "-q", "-s", Integer.toString(scale), name());
  }
}
