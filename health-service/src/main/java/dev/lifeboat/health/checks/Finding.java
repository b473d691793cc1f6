package dev.lifeboat.health.checks;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing a check found.
 *
 * @param check which check: connectivity, baseline, tables, columns, row-counts, foreign-keys,
 *     indexes, sequences, primary-keys, transactions, locks, checksum, drill
 * @param table {@code schema.table} when the finding concerns one table
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(String check, Severity severity, String table, String message) {

  public static Finding of(String check, Severity severity, String message) {
    return new Finding(check, severity, null, message);
  }
}
