package dev.lifeboat.health.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import dev.lifeboat.common.events.TextLimits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/migration-facts}: what a pipeline would publish on Kafka about a migration.
 *
 * @param backupId the backup taken before the migration, the baseline of the check that follows
 * @param correlationId ties the fact to the rest of the pipeline run (e.g. its pre-migration
 *     backup's correlation id); default: the event's own id
 * @param exitCode of the migration's command, for a reporter that ran it
 */
public record MigrationFactBody(
    @NotNull Fact fact,
    @DatabaseName String database,
    @NotBlank @Size(max = TextLimits.TEXT) String migration,
    @Pattern(
            regexp = BackupIds.REGEX,
            message = "must be a backup id like bk_20260102T143022Z_1a2b3c4d")
        String backupId,
    @Size(min = 1, max = TextLimits.ID) @Pattern(regexp = "[\\x21-\\x7e]+") String correlationId,
    Integer exitCode) {

  /** The three facts of the contract, spelt as in their event types. */
  public enum Fact {
    @JsonProperty("started")
    STARTED,
    @JsonProperty("applied")
    APPLIED,
    @JsonProperty("failed")
    FAILED
  }
}
