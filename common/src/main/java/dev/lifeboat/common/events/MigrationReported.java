package dev.lifeboat.common.events;

import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code dev.lifeboat.migration.started|applied|failed}: facts pipelines publish about a schema
 * migration, naming the backup taken before it when there is one.
 */
public record MigrationReported(
    @DatabaseName String database,
    @NotBlank @Size(max = TextLimits.TEXT) String migration,
    @Pattern(regexp = BackupIds.REGEX) String backupId)
    implements EventData {}
