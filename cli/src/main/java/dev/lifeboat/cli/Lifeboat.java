package dev.lifeboat.cli;

import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.backup.BackupCommand;
import dev.lifeboat.cli.backup.BackupsCommand;
import dev.lifeboat.cli.backup.DeleteCommand;
import dev.lifeboat.cli.backup.PinCommand;
import dev.lifeboat.cli.backup.UnpinCommand;
import dev.lifeboat.cli.events.EventsCommand;
import dev.lifeboat.cli.health.CheckCommand;
import dev.lifeboat.cli.health.MonitorCommand;
import dev.lifeboat.cli.health.VerifyCommand;
import dev.lifeboat.cli.migration.GuardCommand;
import dev.lifeboat.cli.migration.MigrationCommand;
import dev.lifeboat.cli.restore.RestoreCommand;
import dev.lifeboat.cli.status.StatusCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code lifeboat}: the command-line client of Lifeboat's four services. */
@Command(
    name = "lifeboat",
    customSynopsis = "lifeboat [OPTIONS] COMMAND [ARGS]",
    mixinStandardHelpOptions = true,
    versionProvider = Lifeboat.Version.class,
    usageHelpAutoWidth = true,
    description = {
      "Backups, rollbacks and integrity checks of PostgreSQL databases, through Lifeboat's"
          + " services.",
      "Global options (URLs, token, --json) go before or after the command."
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
      "Environment:",
      "  LIFEBOAT_BACKUP_URL   backup-service   (default http://127.0.0.1:8081)",
      "  LIFEBOAT_RESTORE_URL  restore-service  (default http://127.0.0.1:8082)",
      "  LIFEBOAT_HEALTH_URL   health-service   (default http://127.0.0.1:8083)",
      "  LIFEBOAT_AUDIT_URL    audit-service    (default http://127.0.0.1:8084)",
      "  LIFEBOAT_TOKEN        the bearer token (JWT)",
      "  LIFEBOAT_TOKEN_FILE   a file holding it",
      "",
      "Exit codes:",
      "  0  ok",
      "  1  the operation failed: backup FAILED, restore FAILED or CANCELLED,",
      "     check UNHEALTHY, verification failed; status: attention needed",
      "  2  usage error, or the service rejected the request (HTTP 400)",
      "  3  not found (HTTP 404)",
      "  4  no token, token refused (HTTP 401) or role missing (HTTP 403)",
      "  5  conflict (HTTP 409): an open restore, a wrong or expired code,",
      "     a pinned backup",
      "  6  a service is unreachable or unavailable (502/503/504, timeout)",
      "  7  unexpected error (HTTP 500, an answer the CLI cannot read)",
      "  8  a restore or delete was not confirmed; nothing changed",
      "  9  guard: the migration command failed",
      " 10  guard: after the migration, the check is DEGRADED or UNHEALTHY",
      "",
      "Run 'lifeboat help <command>' for a command's options; see docs/cli.md."
    })
public final class Lifeboat implements Callable<Integer>, Session.Options {

  @Option(
      names = "--backup-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "backup-service URL (env LIFEBOAT_BACKUP_URL)")
  String backupUrl;

  @Option(
      names = "--restore-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "restore-service URL (env LIFEBOAT_RESTORE_URL)")
  String restoreUrl;

  @Option(
      names = "--health-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "health-service URL (env LIFEBOAT_HEALTH_URL)")
  String healthUrl;

  @Option(
      names = "--audit-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "audit-service URL (env LIFEBOAT_AUDIT_URL)")
  String auditUrl;

  @Option(
      names = "--token",
      scope = ScopeType.INHERIT,
      paramLabel = "JWT",
      description = "bearer token (env LIFEBOAT_TOKEN)")
  String token;

  @Option(
      names = "--token-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "a file holding the bearer token (env LIFEBOAT_TOKEN_FILE)")
  Path tokenFile;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "print JSON for machines instead of tables")
  boolean json;

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "SECONDS",
      description =
          "how long one request may take (default 30; 900 for a check or a restore plan, which"
              + " answer when done)")
  Integer timeoutSeconds;

  private final Io io;
  private final Session session;

  private Lifeboat(Io io) {
    this.io = io;
    this.session = new Session(io, this);
  }

  public static void main(String[] args) {
    System.exit(run(Io.system(), args));
  }

  /** Runs one command line and returns its exit code. */
  public static int run(Io io, String... args) {
    Lifeboat root = new Lifeboat(io);
    CommandLine cli = new CommandLine(root);
    cli.addSubcommand("backup", new BackupCommand(root.session));
    cli.addSubcommand("backups", new BackupsCommand(root.session));
    cli.addSubcommand("pin", new PinCommand(root.session));
    cli.addSubcommand("unpin", new UnpinCommand(root.session));
    cli.addSubcommand("delete", new DeleteCommand(root.session));
    cli.addSubcommand("restore", new RestoreCommand(root.session));
    cli.addSubcommand("check", new CheckCommand(root.session));
    cli.addSubcommand("monitor", new MonitorCommand(root.session));
    cli.addSubcommand("verify", new VerifyCommand(root.session));
    cli.addSubcommand("status", new StatusCommand(root.session));
    cli.addSubcommand("events", new EventsCommand(root.session));
    cli.addSubcommand("migration", new MigrationCommand(root.session));
    cli.addSubcommand("guard", new GuardCommand(root.session));
    // Every command answers -h/--help, as people type it without reading; not through the root's
    // INHERIT scope, which would hand each command the root's synopsis and footer too.
    cli.getSubcommands().values().forEach(Lifeboat::standardHelp);
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          CommandLine failed = e.getCommandLine();
          io.err().println("error: " + e.getMessage());
          if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = suggestions(failed, unmatched.getUnmatched());
            if (!suggestions.isEmpty()) {
              io.err().println("did you mean: " + String.join(", ", suggestions) + "?");
            }
          }
          io.err()
              .print(
                  "usage: "
                      + failed.getHelp().synopsis(0).stripTrailing().replaceFirst("^Usage: ", ""));
          io.err().println();
          io.err()
              .println(
                  ("Run 'lifeboat help " + commandPath(failed)).stripTrailing()
                      + "' for the full description.");
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          if (e instanceof CliException known) {
            io.err().println("error: " + known.getMessage());
            return known.exitCode();
          }
          io.err().println("error: unexpected " + e);
          return ExitCodes.SERVICE_ERROR;
        });
    return cli.execute(args);
  }

  private static void standardHelp(CommandLine command) {
    command.getCommandSpec().mixinStandardHelpOptions(true);
    command.getSubcommands().values().forEach(Lifeboat::standardHelp);
  }

  /** Commands spelled like the first unmatched word, for typos such as {@code backpus}. */
  static List<String> suggestions(CommandLine command, List<String> unmatched) {
    if (unmatched.isEmpty() || unmatched.get(0).startsWith("-")) {
      return List.of();
    }
    String typed = unmatched.get(0);
    return command.getSubcommands().keySet().stream()
        .filter(name -> distance(typed, name) <= 2)
        .sorted(Comparator.comparingInt((String name) -> distance(typed, name)))
        .toList();
  }

  /** The Levenshtein distance between two words. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String commandPath(CommandLine command) {
    String qualified = command.getCommandSpec().qualifiedName(" ");
    return qualified.replaceFirst("^lifeboat ?", "");
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, io.err());
    return ExitCodes.USAGE;
  }

  @Override
  public String url(Service service) {
    return switch (service) {
      case BACKUP -> backupUrl;
      case RESTORE -> restoreUrl;
      case HEALTH -> healthUrl;
      case AUDIT -> auditUrl;
    };
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public Path tokenFile() {
    return tokenFile;
  }

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer timeoutSeconds() {
    return timeoutSeconds;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Lifeboat.class.getPackage().getImplementationVersion();
      return new String[] {"lifeboat " + (v == null ? "(development build)" : v)};
    }
  }
}
