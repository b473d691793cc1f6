package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.common.api.Roles;
import dev.lifeboat.testsupport.Tokens;
import java.time.Duration;

/** backup-service's API as the failure tests use it: request a backup, wait for it to fail. */
final class BackupApi {
  private BackupApi() {}

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("ops", role);
  }

  /** {@code POST /api/v1/backups} as a pipeline; the new backup's id. */
  static String requestBackup(String database) {
    return given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":\"" + database + "\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(202)
        .extract()
        .path("backupId");
  }

  /** Waits until the backup is {@code FAILED}; its {@code failureReason}. */
  static String failureReason(String backupId, Duration wait) {
    await().atMost(wait).until(() -> "FAILED".equals(view(backupId, "status")));
    return view(backupId, "failureReason");
  }

  private static String view(String backupId, String field) {
    return given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + backupId)
        .then()
        .extract()
        .path(field);
  }
}
