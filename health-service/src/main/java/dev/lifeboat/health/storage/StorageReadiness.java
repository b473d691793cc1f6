package dev.lifeboat.health.storage;

import dev.lifeboat.archive.storage.StoredBackups;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the backup bucket answers: without it no backup can be verified. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {
  private final StoredBackups backups;

  public StorageReadiness(StoredBackups backups) {
    this.backups = backups;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("object storage")
        .status(backups.reachable())
        .withData("bucket", backups.bucket())
        .build();
  }
}
