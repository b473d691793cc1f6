package dev.lifeboat.common.events;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A CloudEvent {@code type} of the contract and the class of its {@code data}. */
public final class EventType<T extends EventData> {
  private static final Map<String, EventType<?>> BY_NAME = new LinkedHashMap<>();

  public static final EventType<BackupEvents.Requested> BACKUP_REQUESTED =
      define("dev.lifeboat.backup.requested", BackupEvents.Requested.class);
  public static final EventType<BackupEvents.Started> BACKUP_STARTED =
      define("dev.lifeboat.backup.started", BackupEvents.Started.class);
  public static final EventType<BackupEvents.Progress> BACKUP_PROGRESS =
      define("dev.lifeboat.backup.progress", BackupEvents.Progress.class);
  public static final EventType<BackupEvents.Completed> BACKUP_COMPLETED =
      define("dev.lifeboat.backup.completed", BackupEvents.Completed.class);
  public static final EventType<BackupEvents.Failed> BACKUP_FAILED =
      define("dev.lifeboat.backup.failed", BackupEvents.Failed.class);
  public static final EventType<BackupEvents.Pruned> BACKUP_PRUNED =
      define("dev.lifeboat.backup.pruned", BackupEvents.Pruned.class);

  public static final EventType<RestoreEvents.Planned> RESTORE_PLANNED =
      define("dev.lifeboat.restore.planned", RestoreEvents.Planned.class);
  public static final EventType<RestoreEvents.Confirmed> RESTORE_CONFIRMED =
      define("dev.lifeboat.restore.confirmed", RestoreEvents.Confirmed.class);
  public static final EventType<RestoreEvents.Started> RESTORE_STARTED =
      define("dev.lifeboat.restore.started", RestoreEvents.Started.class);
  public static final EventType<RestoreEvents.Progress> RESTORE_PROGRESS =
      define("dev.lifeboat.restore.progress", RestoreEvents.Progress.class);
  public static final EventType<RestoreEvents.Completed> RESTORE_COMPLETED =
      define("dev.lifeboat.restore.completed", RestoreEvents.Completed.class);
  public static final EventType<RestoreEvents.Failed> RESTORE_FAILED =
      define("dev.lifeboat.restore.failed", RestoreEvents.Failed.class);
  public static final EventType<RestoreEvents.Cancelled> RESTORE_CANCELLED =
      define("dev.lifeboat.restore.cancelled", RestoreEvents.Cancelled.class);

  public static final EventType<HealthEvents.Checked> HEALTH_CHECKED =
      define("dev.lifeboat.health.checked", HealthEvents.Checked.class);
  public static final EventType<HealthEvents.BackupVerified> BACKUP_VERIFIED =
      define("dev.lifeboat.backup.verified", HealthEvents.BackupVerified.class);
  public static final EventType<HealthEvents.BackupVerificationFailed> BACKUP_VERIFICATION_FAILED =
      define(
          "dev.lifeboat.backup.verification-failed", HealthEvents.BackupVerificationFailed.class);

  public static final EventType<CommandRejected> COMMAND_REJECTED =
      define("dev.lifeboat.command.rejected", CommandRejected.class);

  public static final EventType<MigrationReported> MIGRATION_STARTED =
      define("dev.lifeboat.migration.started", MigrationReported.class);
  public static final EventType<MigrationReported> MIGRATION_APPLIED =
      define("dev.lifeboat.migration.applied", MigrationReported.class);
  public static final EventType<MigrationReported> MIGRATION_FAILED =
      define("dev.lifeboat.migration.failed", MigrationReported.class);

  private final String name;
  private final Class<T> dataClass;

  private EventType(String name, Class<T> dataClass) {
    this.name = name;
    this.dataClass = dataClass;
  }

  private static <T extends EventData> EventType<T> define(String name, Class<T> dataClass) {
    EventType<T> type = new EventType<>(name, dataClass);
    BY_NAME.put(name, type);
    return type;
  }

  public static Optional<EventType<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  public static Collection<EventType<?>> all() {
    return java.util.Collections.unmodifiableCollection(BY_NAME.values());
  }

  /** The CloudEvent {@code type} attribute. */
  public String name() {
    return name;
  }

  public Class<T> dataClass() {
    return dataClass;
  }

  @Override
  public String toString() {
    return name;
  }
}
