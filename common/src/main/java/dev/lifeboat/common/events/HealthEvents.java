package dev.lifeboat.common.events;

import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/** The {@code data} of health-service's events. */
public final class HealthEvents {
  private HealthEvents() {}

  public enum Status {
    HEALTHY,
    DEGRADED,
    UNHEALTHY
  }

  /** {@code dev.lifeboat.health.checked}: a check report was stored. */
  public record Checked(
      @NotBlank String checkId,
      @DatabaseName String database,
      @NotNull Status status,
      String baselineBackupId,
      @PositiveOrZero int findings,
      String trigger)
      implements EventData {}

  /**
   * {@code dev.lifeboat.backup.verified}: checksum (and, for a drill, the restore) passed. {@code
   * sha256} is the digest of the stored bytes that were verified: a verdict counts only for the
   * backup whose manifest names that digest (absent in events from before it was added).
   */
  public record BackupVerified(
      @NotBlank String verificationId,
      @NotBlank String backupId,
      @DatabaseName String database,
      boolean checksumOk,
      Drill drill,
      @Pattern(regexp = "[0-9a-f]{64}") String sha256)
      implements EventData {}

  /** {@code dev.lifeboat.backup.verification-failed}. */
  public record BackupVerificationFailed(
      @NotBlank String verificationId,
      @NotBlank String backupId,
      @DatabaseName String database,
      @NotBlank String reason)
      implements EventData {}

  /** A restore drill's outcome; its duration is the measured time to restore. */
  public record Drill(
      boolean restored, boolean rowCountsMatch, @PositiveOrZero long durationMillis) {}
}
