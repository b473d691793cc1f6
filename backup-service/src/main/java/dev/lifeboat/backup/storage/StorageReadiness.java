package dev.lifeboat.backup.storage;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the backup bucket answers: without it no backup can be stored. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {
  private final BackupStore store;

  public StorageReadiness(BackupStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("object storage")
        .status(store.reachable())
        .withData("bucket", store.bucket())
        .build();
  }
}
