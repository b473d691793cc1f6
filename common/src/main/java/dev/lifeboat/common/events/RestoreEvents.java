package dev.lifeboat.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The {@code data} of restore commands and lifecycle events. */
public final class RestoreEvents {
  private RestoreEvents() {}

  /** How a restore treats the target database (see the contract's restore-service). */
  public enum Mode {
    SWAP,
    NEW_DATABASE,
    IN_PLACE,
    TABLES
  }

  /**
   * {@code dev.lifeboat.restore.planned}: a plan awaits its confirmation code.
   *
   * @param reason why, as the requester said (optional)
   * @param ticket the incident or change ticket it belongs to (optional)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Planned(
      @NotBlank String restoreId,
      @NotBlank String backupId,
      @DatabaseName String database,
      Mode mode,
      @Size(max = TextLimits.TEXT) String reason,
      @Size(max = TextLimits.ID) String ticket)
      implements EventData {

    public Planned(String restoreId, String backupId, String database, Mode mode) {
      this(restoreId, backupId, database, mode, null, null);
    }
  }

  /**
   * {@code dev.lifeboat.restore.confirmed}: the command, on {@code lifeboat.restore.commands}, to
   * execute a confirmed plan.
   */
  public record Confirmed(
      @NotBlank String restoreId,
      @NotBlank String backupId,
      @DatabaseName String database,
      Mode mode,
      @Size(max = 10_000) List<@NotBlank @Size(max = 130) String> tables,
      @Size(max = 63) String newDatabase,
      boolean safetyBackup,
      @Size(max = TextLimits.TEXT) String confirmedBy,
      @Size(max = TextLimits.TEXT) String reason,
      @Size(max = TextLimits.ID) String ticket)
      implements EventData {
    public Confirmed {
      tables = tables == null ? List.of() : List.copyOf(tables);
    }

    public Confirmed(
        String restoreId,
        String backupId,
        String database,
        Mode mode,
        List<String> tables,
        String newDatabase,
        boolean safetyBackup,
        String confirmedBy) {
      this(
          restoreId,
          backupId,
          database,
          mode,
          tables,
          newDatabase,
          safetyBackup,
          confirmedBy,
          null,
          null);
    }
  }

  /** {@code dev.lifeboat.restore.started}. */
  public record Started(
      @NotBlank String restoreId,
      @NotBlank String backupId,
      @DatabaseName String database,
      Mode mode)
      implements EventData {}

  /** {@code dev.lifeboat.restore.progress}: the running step and how far the restore is. */
  public record Progress(
      @NotBlank String restoreId,
      @DatabaseName String database,
      @NotBlank String step,
      @PositiveOrZero @Max(100) int percent,
      @PositiveOrZero long bytesRestored,
      @PositiveOrZero int tablesRestored)
      implements EventData {}

  /** {@code dev.lifeboat.restore.completed}. */
  public record Completed(
      @NotBlank String restoreId,
      @NotBlank String backupId,
      @DatabaseName String database,
      @PositiveOrZero long durationMillis,
      Mode mode)
      implements EventData {

    /** A completion that does not say its mode, as events published before it was added. */
    public Completed(String restoreId, String backupId, String database, long durationMillis) {
      this(restoreId, backupId, database, durationMillis, null);
    }
  }

  /** {@code dev.lifeboat.restore.failed}: the step that failed and why. */
  public record Failed(
      @NotBlank String restoreId,
      @NotBlank String backupId,
      @DatabaseName String database,
      String step,
      @NotBlank String reason)
      implements EventData {}

  /** {@code dev.lifeboat.restore.cancelled}. */
  public record Cancelled(
      @NotBlank String restoreId, @DatabaseName String database, String cancelledBy)
      implements EventData {}
}
