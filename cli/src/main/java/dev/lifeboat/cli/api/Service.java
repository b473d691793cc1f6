package dev.lifeboat.cli.api;

/** The four services the CLI talks to, with where their URL comes from. */
public enum Service {
  BACKUP("backup-service", "LIFEBOAT_BACKUP_URL", "--backup-url", 8081),
  RESTORE("restore-service", "LIFEBOAT_RESTORE_URL", "--restore-url", 8082),
  HEALTH("health-service", "LIFEBOAT_HEALTH_URL", "--health-url", 8083),
  AUDIT("audit-service", "LIFEBOAT_AUDIT_URL", "--audit-url", 8084);

  private final String displayName;
  private final String envVariable;
  private final String option;
  private final int defaultPort;

  Service(String displayName, String envVariable, String option, int defaultPort) {
    this.displayName = displayName;
    this.envVariable = envVariable;
    this.option = option;
    this.defaultPort = defaultPort;
  }

  public String displayName() {
    return displayName;
  }

  public String envVariable() {
    return envVariable;
  }

  public String option() {
    return option;
  }

  public String defaultUrl() {
    return "http://127.0.0.1:" + defaultPort;
  }
}
