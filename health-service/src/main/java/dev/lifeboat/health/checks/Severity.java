package dev.lifeboat.health.checks;

/** How bad a finding is; the worst finding sets the report's status. */
public enum Severity {
  /** Worth knowing, not a fault (a table without a primary key, a new table). */
  INFO,
  /** The database works but needs attention: DEGRADED. */
  WARNING,
  /** Data is missing or inconsistent, or the database is unreachable: UNHEALTHY. */
  CRITICAL
}
