package dev.lifeboat.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code dev.lifeboat.migration.started|applied|failed}: facts pipelines publish about a schema
 * migration, naming the backup taken before it when there is one.
 *
 * @param exitCode of the migration's command, when the reporter ran it ({@code lifeboat guard})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationReported(
    @DatabaseName String database,
    @NotBlank @Size(max = TextLimits.TEXT) String migration,
    @Pattern(regexp = BackupIds.REGEX) String backupId,
    Integer exitCode)
    implements EventData {

  public MigrationReported(String database, String migration, String backupId) {
    this(database, migration, backupId, null);
  }
}
