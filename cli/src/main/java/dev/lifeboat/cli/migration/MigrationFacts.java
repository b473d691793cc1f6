package dev.lifeboat.cli.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Service;
import java.util.Locale;
import java.util.Map;

/**
 * Reports a migration fact to health-service ({@code POST /api/v1/migration-facts}), which
 * publishes it on {@code lifeboat.events} as a pipeline would on Kafka.
 */
final class MigrationFacts {
  /** The facts of the contract, as the API spells them. */
  enum Fact {
    STARTED,
    APPLIED,
    FAILED;

    String spelt() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final ApiClient api;

  MigrationFacts(ApiClient api) {
    this.api = api;
  }

  /**
   * Publishes one fact and returns health-service's answer ({@code eventId, type, correlationId,
   * ...}). The same {@code idempotencyKey} again is the same event.
   */
  JsonNode report(
      Fact fact,
      String database,
      String migration,
      String backupId,
      String correlationId,
      Integer exitCode,
      String idempotencyKey) {
    ObjectNode body =
        ApiClient.JSON
            .createObjectNode()
            .put("fact", fact.spelt())
            .put("database", database)
            .put("migration", migration);
    if (backupId != null) {
      body.put("backupId", backupId);
    }
    if (correlationId != null) {
      body.put("correlationId", correlationId);
    }
    if (exitCode != null) {
      body.put("exitCode", exitCode);
    }
    return api.post(
            Service.HEALTH,
            "/api/v1/migration-facts",
            body,
            idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey))
        .body();
  }
}
