package dev.lifeboat.cli.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Io;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.output.Table;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat monitor <db>}: run an integrity check every interval (as {@code check} does) and
 * print one line per check, e.g. while and after a migration runs.
 */
@Command(
    abbreviateSynopsis = true,
    name = "monitor",
    sortOptions = false,
    header = "Check a database again and again, one line per check.",
    description = {
      "Run an integrity check (POST /api/v1/checks on health-service, as 'check' does) every"
          + " interval and print one line per check: time, verdict, number of findings, check id."
          + " Runs until Ctrl-C, or --count checks.",
      "With --fail-fast, stops at the first UNHEALTHY check, prints its findings and exits 1."
          + " Otherwise exit 1 when any check was UNHEALTHY, 0 when none was. A failed request"
          + " after the first check (service unreachable, a check already running) is reported"
          + " and the next check runs as planned."
    })
public final class MonitorCommand implements Callable<Integer> {
  private final Session session;

  @Parameters(paramLabel = "<db>", description = "the target database")
  String database;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = IntervalConverter.class,
      description = "time from one check to the next: 30s, 5m, 1h, or seconds (default 5m)")
  Duration interval;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "stop after N checks (default: run until Ctrl-C)")
  Integer count;

  @Option(
      names = "--fail-fast",
      description = "stop at the first UNHEALTHY check, print its findings, exit 1")
  boolean failFast;

  @Option(
      names = "--baseline",
      paramLabel = "BACKUP_ID",
      description = "compare each check with this backup (e.g. the one taken before a migration)")
  String baseline;

  @Option(names = "--poll-interval", hidden = true, defaultValue = "1000")
  long pollMillis;

  public MonitorCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    if (count != null && count < 1) {
      throw new CliException(ExitCodes.USAGE, "--count must be at least 1");
    }
    Io io = session.io();
    PrintStream out = io.out();
    io.err()
        .println(
            "monitoring "
                + database
                + " every "
                + Units.duration(interval)
                + (count == null
                    ? " (Ctrl-C to stop)"
                    : ", " + count + (count == 1 ? " check" : " checks")));
    int ran = 0;
    int unhealthy = 0;
    CliException lastError = null;
    Instant previous = null;
    for (int n = 1; count == null || n <= count; n++) {
      if (previous != null) {
        Duration wait = interval.minus(Duration.between(previous, io.clock().instant()));
        if (!wait.isNegative() && !wait.isZero()) {
          Session.pause(wait);
        }
      }
      previous = io.clock().instant();
      ran++;
      JsonNode report;
      try {
        report = CheckCommand.run(session.api(), database, baseline, pollMillis);
        lastError = null;
      } catch (CliException e) {
        if (n == 1 || !worthRetrying(e)) {
          throw e;
        }
        io.err().println(Units.time(io.clock().instant()) + "  error: " + e.getMessage());
        lastError = e;
        continue;
      }
      String status = report.path("status").asText();
      if (session.json()) {
        out.println(report.toString());
      } else {
        out.println(line(io.clock().instant(), report));
      }
      out.flush();
      if ("UNHEALTHY".equals(status)) {
        unhealthy++;
        if (failFast) {
          if (!session.json()) {
            Table findings = CheckCommand.findings(report);
            if (!findings.isEmpty()) {
              findings.print(out, "  ");
            }
          }
          io.err()
              .println(
                  "error: check "
                      + report.path("checkId").asText("?")
                      + " of "
                      + database
                      + " is UNHEALTHY; stopped (--fail-fast)");
          return ExitCodes.FAILED;
        }
      }
    }
    if (lastError != null) {
      return lastError.exitCode();
    }
    if (unhealthy > 0) {
      io.err()
          .println(
              "error: "
                  + unhealthy
                  + " of "
                  + ran
                  + (ran == 1 ? " check" : " checks")
                  + " of "
                  + database
                  + " UNHEALTHY");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /** A failure that the next check may not meet: the service down a moment, a check running. */
  private static boolean worthRetrying(CliException e) {
    return e.exitCode() == ExitCodes.UNREACHABLE
        || e.exitCode() == ExitCodes.SERVICE_ERROR
        || e.exitCode() == ExitCodes.CONFLICT;
  }

  /** {@code 2026-01-02 15:00:00Z UNHEALTHY 2 findings ck_...}. */
  static String line(Instant at, JsonNode report) {
    int findings = report.path("findings").size();
    return String.format(
        Locale.ROOT,
        "%s  %-9s  %3d %-8s  %s",
        Units.time(at),
        report.path("status").asText("?"),
        findings,
        findings == 1 ? "finding" : "findings",
        report.path("checkId").asText("?"));
  }

  /** {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds; at least one second. */
  static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.strip();
      Duration d =
          text.matches("\\d+")
              ? Duration.ofSeconds(Long.parseLong(text))
              : Units.parseDuration(text);
      if (d == null) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration: use 30s, 5m, 1h, or a number of seconds");
      }
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new CommandLine.TypeConversionException("'" + value + "' is too short: at least 1s");
      }
      return d;
    }
  }
}
