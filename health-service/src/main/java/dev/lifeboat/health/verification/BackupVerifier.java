package dev.lifeboat.health.verification;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.PostgresClientConfig;
import dev.lifeboat.archive.restore.ArchiveRestore;
import dev.lifeboat.archive.server.DerivedNames;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.health.HealthConfig;
import dev.lifeboat.health.HealthIds;
import dev.lifeboat.health.HealthWorkers;
import dev.lifeboat.health.catalog.Verification;
import dev.lifeboat.health.catalog.VerificationRepository;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.checks.DatabaseChecks;
import dev.lifeboat.health.checks.Finding;
import dev.lifeboat.health.checks.HealthStatus;
import dev.lifeboat.health.checks.Severity;
import dev.lifeboat.health.metrics.HealthMetrics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Verifies stored backups: the checksum of the stored bytes against the manifest and, for a drill,
 * a restore into a scratch database beside the target, whose row counts are compared with the
 * manifest and which is checked like a live database, then dropped whatever happened. A drill
 * interrupted by a stop of the service is failed, and its scratch database dropped, at the next
 * start.
 */
@ApplicationScoped
public class BackupVerifier {
  private static final Logger LOG = Logger.getLogger(BackupVerifier.class);

  private final VerificationRepository catalog;
  private final StoredBackups backups;
  private final Baselines baselines;
  private final TargetDatabases targets;
  private final DatabaseChecks checks;
  private final EventPublisher events;
  private final HealthMetrics metrics;
  private final HealthWorkers workers;
  private final HealthConfig config;
  private final ArchiveRestore archiveRestore;
  private final List<String> identities;
  private final Clock clock = Clock.systemUTC();

  public BackupVerifier(
      VerificationRepository catalog,
      StoredBackups backups,
      Baselines baselines,
      TargetDatabases targets,
      DatabaseChecks checks,
      EventPublisher events,
      HealthMetrics metrics,
      HealthWorkers workers,
      HealthConfig config,
      PostgresClientConfig postgres) {
    this.catalog = catalog;
    this.backups = backups;
    this.baselines = baselines;
    this.targets = targets;
    this.checks = checks;
    this.events = events;
    this.metrics = metrics;
    this.workers = workers;
    this.config = config;
    this.identities = config.encryption().identities().orElse(List.of());
    this.archiveRestore = new ArchiveRestore(PgBinaries.locate(postgres.binDir()), identities);
  }

  /**
   * Records a verification of the backup and starts it on a worker thread.
   *
   * @param correlationId null: the verification's own id
   */
  public Verification start(
      Manifest manifest, boolean drill, String requestedBy, String correlationId) {
    String id = HealthIds.nextVerification(clock);
    Verification v =
        new Verification(
            id,
            manifest.backupId(),
            manifest.database(),
            drill,
            Verification.RUNNING,
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(),
            null,
            correlationId == null ? id : correlationId,
            requestedBy,
            clock.instant(),
            null);
    catalog.insert(v).await().atMost(IoWaits.LIMIT);
    workers.execute(
        () -> {
          try {
            verify(v, manifest);
          } catch (RuntimeException e) {
            LOG.errorf(e, "verification %s stopped unexpectedly", id);
            finish(v, false, null, null, null, null, null, List.of(), "unexpected error: " + e);
          }
        });
    return v;
  }

  private void verify(Verification v, Manifest manifest) {
    List<Finding> findings = new ArrayList<>();
    boolean checksumOk = checksum(manifest, findings);
    if (!v.drill()) {
      finish(
          v,
          checksumOk,
          null,
          null,
          null,
          null,
          null,
          findings,
          null,
          checksumOk ? manifest.sha256() : null);
      return;
    }
    if (!checksumOk) {
      findings.add(
          Finding.of(
              "drill",
              Severity.CRITICAL,
              "not restored: the stored bytes do not match the manifest"));
      finish(v, false, false, false, null, null, null, findings, null);
      return;
    }
    if (manifest.encryption() != null && identities.isEmpty()) {
      findings.add(
          Finding.of(
              "drill",
              Severity.CRITICAL,
              "not restored: the backup is encrypted ("
                  + manifest.encryption()
                  + ") and lifeboat.health.encryption.identities is not set"));
      finish(v, true, false, false, null, null, null, findings, null);
      return;
    }
    TargetDatabase target = targets.get(v.database());
    String scratch = scratchName(v);
    catalog.scratch(v.verificationId(), scratch).await().atMost(IoWaits.LIMIT);
    boolean restored = false;
    boolean rowsMatch = false;
    Long millis = null;
    String checkStatus = null;
    try {
      Instant began = clock.instant();
      try (TargetServer server = TargetServer.connect(target)) {
        server.dropIfExists(scratch);
        server.createLike(scratch, target.database());
      }
      try (InputStream stored = backups.openDump(manifest)) {
        archiveRestore.restore(target, scratch, stored, List.of());
      }
      Duration took = Duration.between(began, clock.instant());
      millis = took.toMillis();
      restored = true;
      metrics.drill(v.database(), took);
      List<String> differences =
          ArchiveRestore.rowCountDifferences(target, scratch, manifest.tables());
      rowsMatch = differences.isEmpty();
      for (String difference : differences) {
        findings.add(
            Finding.of(
                "drill", Severity.CRITICAL, "row count differs from the manifest: " + difference));
      }
      var outcome =
          checks.run(
              target, scratch, baselines.load(manifest), config.rowLossThreshold(v.database()));
      checkStatus = HealthStatus.of(outcome.findings()).name();
      findings.addAll(outcome.findings());
    } catch (Exception e) {
      findings.add(
          Finding.of(
              "drill",
              Severity.CRITICAL,
              (restored ? "the restored copy could not be checked: " : "the restore failed: ")
                  + e.getMessage()));
    } finally {
      drop(target, scratch);
    }
    finish(
        v,
        true,
        restored,
        rowsMatch,
        millis,
        scratch,
        checkStatus,
        findings,
        null,
        manifest.sha256());
  }

  /** Streams the stored object through SHA-256 and compares digest and size with the manifest. */
  private boolean checksum(Manifest manifest, List<Finding> findings) {
    Optional<String> damage;
    try {
      damage = backups.damage(manifest);
    } catch (Exception e) {
      findings.add(
          Finding.of(
              "checksum",
              Severity.CRITICAL,
              "the stored object " + manifest.objectKey() + " cannot be read: " + e.getMessage()));
      return false;
    }
    damage.ifPresent(d -> findings.add(Finding.of("checksum", Severity.CRITICAL, d)));
    return damage.isEmpty();
  }

  private void finish(
      Verification v,
      Boolean checksumOk,
      Boolean restored,
      Boolean rowsMatch,
      Long millis,
      String scratch,
      String checkStatus,
      List<Finding> findings,
      String error) {
    finish(v, checksumOk, restored, rowsMatch, millis, scratch, checkStatus, findings, error, null);
  }

  /**
   * @param verifiedSha256 the digest of the stored bytes the checksum step read, which a passed
   *     verification names in its event (the manifest's, since they matched)
   */
  private void finish(
      Verification v,
      Boolean checksumOk,
      Boolean restored,
      Boolean rowsMatch,
      Long millis,
      String scratch,
      String checkStatus,
      List<Finding> findings,
      String error,
      String verifiedSha256) {
    boolean passed =
        error == null
            && Boolean.TRUE.equals(checksumOk)
            && (!v.drill() || (Boolean.TRUE.equals(restored) && Boolean.TRUE.equals(rowsMatch)));
    String reason =
        passed
            ? null
            : error != null
                ? error
                : findings.stream()
                    .filter(f -> f.severity() == Severity.CRITICAL)
                    .filter(f -> f.check().equals("checksum") || f.check().equals("drill"))
                    .map(Finding::message)
                    .collect(
                        Collectors.collectingAndThen(
                            Collectors.joining("; "),
                            r -> r.isEmpty() ? "verification failed" : r));
    Instant now = clock.instant();
    Verification done =
        new Verification(
            v.verificationId(),
            v.backupId(),
            v.database(),
            v.drill(),
            passed ? Verification.PASSED : Verification.FAILED,
            checksumOk,
            restored,
            rowsMatch,
            millis,
            scratch,
            checkStatus,
            List.copyOf(findings),
            reason,
            v.correlationId(),
            v.requestedBy(),
            v.startedAt(),
            now);
    CloudEvent<?> verdict;
    if (passed) {
      verdict =
          events.event(
              EventType.BACKUP_VERIFIED,
              v.correlationId(),
              new HealthEvents.BackupVerified(
                  v.verificationId(),
                  v.backupId(),
                  v.database(),
                  true,
                  v.drill()
                      ? new HealthEvents.Drill(true, true, millis == null ? 0 : millis)
                      : null,
                  verifiedSha256));
    } else {
      verdict =
          events.event(
              EventType.BACKUP_VERIFICATION_FAILED,
              v.correlationId(),
              new HealthEvents.BackupVerificationFailed(
                  v.verificationId(), v.backupId(), v.database(), shorten(reason)));
    }
    // The verdict and its event commit together; the outbox's relay publishes the event.
    if (!catalog.finish(done, verdict).await().atMost(IoWaits.LIMIT)) {
      return; // already failed by a restart's recovery
    }
    if (passed) {
      metrics.verified(v.database(), now);
    } else {
      metrics.verificationFailed(v.database());
    }
    LOG.infof(
        "verification %s of %s: %s%s",
        v.verificationId(), v.backupId(), done.status(), passed ? "" : " (" + reason + ")");
  }

  /**
   * Fails the verifications a stop of the service interrupted and drops their scratch databases:
   * nothing else would ever drop them.
   */
  public void recover() {
    for (Verification v : catalog.running().await().atMost(IoWaits.LIMIT)) {
      String reason = "interrupted: health-service stopped during the verification";
      if (v.scratchDatabase() != null) {
        targets.find(v.database()).ifPresent(target -> drop(target, v.scratchDatabase()));
        reason += "; its scratch database " + v.scratchDatabase() + " was dropped";
      }
      LOG.infof("verification %s: %s", v.verificationId(), reason);
      finish(v, v.checksumOk(), false, false, null, v.scratchDatabase(), null, List.of(), reason);
    }
  }

  void onStart(@Observes StartupEvent start) {
    try {
      recover();
    } catch (RuntimeException e) {
      LOG.errorf(e, "could not recover interrupted verifications");
    }
  }

  private static void drop(TargetDatabase target, String database) {
    try (TargetServer server = TargetServer.connect(target)) {
      server.dropIfExists(database);
    } catch (Exception e) {
      LOG.warnf("could not drop the scratch database %s: %s", database, e.getMessage());
    }
  }

  /** {@code <db>_lbv_<8 hex>} ({@link DerivedNames}). */
  static String scratchName(Verification v) {
    return DerivedNames.of(v.database(), "lbv", DerivedNames.shortId(v.verificationId()));
  }

  private static String shorten(String reason) {
    return reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "...";
  }
}
