package dev.lifeboat.health.metrics;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.health.catalog.CheckRepository;
import dev.lifeboat.health.catalog.VerificationRepository;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Sets the status and verification-age gauges from the catalog at start-up: a restarted service
 * must not look as if no database had ever been checked or verified.
 */
@ApplicationScoped
public class GaugesAtStart {
  private static final Logger LOG = Logger.getLogger(GaugesAtStart.class);

  void load(
      @Observes StartupEvent startup,
      CheckRepository checks,
      VerificationRepository verifications,
      TargetDatabases targets,
      HealthMetrics metrics) {
    checks
        .latestPerDatabase()
        .subscribe()
        .with(
            reports ->
                reports.stream()
                    .filter(r -> targets.contains(r.database()))
                    .forEach(r -> metrics.checked(r.database(), r.status())),
            e -> LOG.warnf("could not read the latest checks: %s", e.getMessage()));
    verifications
        .lastPassedPerDatabase()
        .subscribe()
        .with(
            passed ->
                passed.stream()
                    .filter(v -> targets.contains(v.database()) && v.finishedAt() != null)
                    .forEach(v -> metrics.verified(v.database(), v.finishedAt())),
            e -> LOG.warnf("could not read the latest verifications: %s", e.getMessage()));
  }
}
