package dev.lifeboat.health.api;

import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.Pattern;

/**
 * {@code POST /api/v1/checks}.
 *
 * @param baselineBackupId the backup to compare with; default: the database's newest backup
 */
public record CheckRequestBody(
    @DatabaseName String database,
    @Pattern(
            regexp = BackupIds.REGEX,
            message = "must be a backup id like bk_20260102T143022Z_1a2b3c4d")
        String baselineBackupId) {}
