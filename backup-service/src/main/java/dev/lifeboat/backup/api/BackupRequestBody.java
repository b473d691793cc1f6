package dev.lifeboat.backup.api;

import dev.lifeboat.common.databases.DatabaseName;
import dev.lifeboat.common.events.TextLimits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** {@code POST /api/v1/backups}: the same fields, and limits, as a pipeline's command. */
public record BackupRequestBody(
    @DatabaseName String database,
    @Size(max = TextLimits.TEXT) String reason,
    @Size(max = TextLimits.TEXT) String migration,
    @Size(max = TextLimits.LABELS)
        Map<
                @NotBlank @Size(max = TextLimits.TEXT) String,
                @NotNull @Size(max = TextLimits.TEXT) String>
            labels) {}
