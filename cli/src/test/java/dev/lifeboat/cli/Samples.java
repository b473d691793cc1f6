package dev.lifeboat.cli;

/** Answers of the services, as the contract and the services' views shape them. */
public final class Samples {
  /** restore-service's answer to a plan request. */
  public static final String PLAN =
      """
      {"restoreId":"rs_20260102T151201Z_9f3a2c11","status":"AWAITING_CONFIRMATION",
       "database":"app","backupId":"bk_20260102T143022Z_1a2b3c4d","mode":"SWAP",
       "safetyBackup":false,"confirmationCode":"K7QM-3XPA","expiresAt":"2026-01-02T15:22:01Z",
       "steps":[
         {"name":"verify-checksum","description":"check the stored backup's SHA-256","state":"PENDING"},
         {"name":"restore-scratch","description":"restore the backup into a scratch database","state":"PENDING"},
         {"name":"swap","description":"rename app to app_pre_<restoreId>","state":"PENDING"}],
       "dataLoss":{"backupTakenAt":"2026-01-02T14:30:22.481Z","secondsSinceBackup":2499,
         "tables":[
           {"schema":"public","name":"coupons","rowsNow":2,"rowsInBackup":null},
           {"schema":"public","name":"legacy","rowsNow":null,"rowsInBackup":7},
           {"schema":"public","name":"orders","rowsNow":10412,"rowsInBackup":10388},
           {"schema":"public","name":"users","rowsNow":100,"rowsInBackup":100}]},
       "estimatedSeconds":9,
       "warnings":["3 sessions are connected to app; the swap ends them"]}""";

  private Samples() {}
}
