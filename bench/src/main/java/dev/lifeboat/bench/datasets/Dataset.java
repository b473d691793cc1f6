package dev.lifeboat.bench.datasets;

import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.PostgresEndpoint;

/** A database the benchmark backs up, made from scratch on the benchmark's server. */
public interface Dataset {
  /** The database's name, which is also its name as a Lifeboat target. */
  String name();

  /** How it was made, for the report. */
  String description();

  void create(PostgresEndpoint pg, PostgresTools tools);
}
