package dev.lifeboat.health.api;

import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseNames;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code POST /api/v1/verifications}.
 *
 * @param database the backup's database; optional, found among the configured ones when missing
 * @param drill also restore it into a scratch database (default false: checksum only)
 */
public record VerificationRequestBody(
    @NotNull
        @Pattern(
            regexp = BackupIds.REGEX,
            message = "must be a backup id like bk_20260102T143022Z_1a2b3c4d")
        String backupId,
    @Pattern(
            regexp = DatabaseNames.REGEX,
            message = "must be a database name matching " + DatabaseNames.REGEX)
        String database,
    Boolean drill) {}
