package dev.lifeboat.restore.plan;

import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.events.TextLimits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code POST /api/v1/restores}. */
public record RestoreRequest(
    @NotNull @Pattern(regexp = BackupIds.REGEX) String backupId,
    @DatabaseName String database,
    RestoreEvents.Mode mode,
    @Size(max = 1000) List<@NotNull @Size(min = 1, max = 130) String> tables,
    @Pattern(regexp = DatabaseNames.REGEX) String newDatabase,
    Boolean safetyBackup,
    @Size(max = TextLimits.TEXT) String reason,
    @Size(min = 1, max = TextLimits.ID)
        @Pattern(
            regexp = "[\\x21-\\x7e]+",
            message = "must be printable ASCII without spaces, like INC-4711")
        String ticket) {

  public RestoreEvents.Mode modeOrDefault() {
    return mode == null ? RestoreEvents.Mode.SWAP : mode;
  }

  /** A safety backup is on by default where the restore overwrites data in place. */
  public boolean safetyBackupOrDefault() {
    if (safetyBackup != null) {
      return safetyBackup;
    }
    return modeOrDefault() == RestoreEvents.Mode.IN_PLACE
        || modeOrDefault() == RestoreEvents.Mode.TABLES;
  }
}
