package dev.lifeboat.backup.retention;

import dev.lifeboat.backup.catalog.Backup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which completed backups of a database retention deletes. A backup goes when it is not among the
 * newest {@code keepLast}, or when it is older than {@code maxAge}. Never deleted: pinned backups,
 * the newest verified backup (the one known to restore), and the newest backup of all, so that age
 * alone can never leave a database without a backup.
 */
public final class RetentionPolicy {
  private RetentionPolicy() {}

  /** A backup retention deletes, and why (the {@code backup.pruned} event's reason). */
  public record Decision(Backup backup, String reason) {}

  public static List<Decision> select(
      List<Backup> completed, int keepLast, Optional<Duration> maxAge, Instant now) {
    List<Backup> newestFirst = new ArrayList<>(completed);
    newestFirst.sort(Comparator.comparing(RetentionPolicy::takenAt).reversed());
    Optional<Backup> newestVerified =
        newestFirst.stream().filter(b -> b.verifiedAt() != null).findFirst();

    List<Decision> doomed = new ArrayList<>();
    for (int i = 1; i < newestFirst.size(); i++) {
      Backup backup = newestFirst.get(i);
      if (backup.pinned()
          || newestVerified.map(v -> v.backupId().equals(backup.backupId())).orElse(false)) {
        continue;
      }
      if (i >= keepLast) {
        doomed.add(
            new Decision(
                backup,
                "retention: not among the newest " + keepLast + " (keep-last " + keepLast + ")"));
      } else if (maxAge.isPresent() && takenAt(backup).isBefore(now.minus(maxAge.get()))) {
        doomed.add(new Decision(backup, "retention: older than max-age " + maxAge.get()));
      }
    }
    return doomed;
  }

  /** When the backup's data is from: its snapshot, else (older rows) when it completed. */
  static Instant takenAt(Backup backup) {
    return backup.manifest() != null && backup.manifest().createdAt() != null
        ? backup.manifest().createdAt()
        : backup.completedAt();
  }
}
