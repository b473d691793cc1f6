package dev.lifeboat.audit.report;

import dev.lifeboat.audit.store.StoredEntry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Markdown timeline of one restore, laid out as the runbooks' incident report template
 * (Summary, Impact, Timeline, Root Cause, Resolution, Follow-up Actions, Lessons Learned): what the
 * audit log knows is filled in, what only people know is left as the template's placeholders.
 */
public final class IncidentReport {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private IncidentReport() {}

  /** What the report is made of, read from the audit log. */
  public record Facts(
      String correlationId,
      List<StoredEntry> restore,
      Optional<StoredEntry> detected,
      Optional<StoredEntry> backupCompleted,
      Optional<StoredEntry> healthAfter) {}

  private record Step(String name, OffsetDateTime start, OffsetDateTime end, boolean failed) {}

  public static String markdown(Facts facts) {
    List<LoggedEvent> events = facts.restore().stream().map(LoggedEvent::of).toList();
    LoggedEvent planned = first(events, "dev.lifeboat.restore.planned");
    LoggedEvent confirmed = first(events, "dev.lifeboat.restore.confirmed");
    LoggedEvent started = first(events, "dev.lifeboat.restore.started");
    LoggedEvent completed = first(events, "dev.lifeboat.restore.completed");
    LoggedEvent failed = first(events, "dev.lifeboat.restore.failed");
    LoggedEvent cancelled = first(events, "dev.lifeboat.restore.cancelled");
    LoggedEvent any =
        events.stream().filter(e -> e.text("restoreId") != null).findFirst().orElse(events.get(0));
    LoggedEvent describing = planned != null ? planned : confirmed != null ? confirmed : any;
    String database = any.entry().database();
    String restoreId = any.text("restoreId");
    String backupId = describing.text("backupId");
    String mode = describing.text("mode");
    LoggedEvent end = completed != null ? completed : failed != null ? failed : cancelled;
    String outcome =
        completed != null
            ? "completed"
            : failed != null ? "failed" : cancelled != null ? "was cancelled" : "has not finished";

    List<Step> steps = steps(events);
    StringBuilder md = new StringBuilder();
    md.append("# Incident Report: Restore of `")
        .append(database)
        .append("` from backup `")
        .append(backupId)
        .append("`\n\n");
    md.append("Date: ")
        .append(time(events.get(0).entry().time()))
        .append("\nSeverity: [Critical/High/Medium/Low]\nReporter: [Name]\n");
    md.append("Restore: `")
        .append(restoreId)
        .append("` (correlation id `")
        .append(facts.correlationId())
        .append("`)\n");
    // Why, and the ticket it belongs to, as the restore's requester gave them.
    String reason = describing.text("reason");
    String ticket = describing.text("ticket");
    if (ticket != null) {
      md.append("Ticket: ").append(ticket).append('\n');
    }
    if (reason != null) {
      md.append("Reason: ").append(reason).append('\n');
    }
    md.append('\n');

    md.append("## Summary\n");
    md.append("Database `")
        .append(database)
        .append("` was restored from backup `")
        .append(backupId)
        .append('`');
    if (mode != null) {
      md.append(" (mode ").append(mode).append(')');
    }
    if (confirmed != null && confirmed.text("confirmedBy") != null) {
      md.append(", confirmed by ").append(confirmed.text("confirmedBy"));
    }
    md.append(". The restore ").append(outcome);
    if (started != null && end != null) {
      md.append(" after ")
          .append(Units.duration(millis(started.entry().time(), end.entry().time())));
    }
    md.append('.');
    if (failed != null) {
      md.append(" It failed")
          .append(failed.text("step") != null ? " at step " + failed.text("step") : "")
          .append(": ")
          .append(failed.text("reason"))
          .append('.');
    }
    facts
        .healthAfter()
        .ifPresent(
            h -> md.append(" Health after: ").append(LoggedEvent.of(h).text("status")).append('.'));
    md.append("\n[What happened]\n\n");

    md.append("## Impact\n");
    facts
        .backupCompleted()
        .ifPresentOrElse(
            b ->
                md.append("Changes made to `")
                    .append(database)
                    .append("` after the backup completed (")
                    .append(time(b.time()))
                    .append(") are not in the restored database")
                    .append(
                        completed != null && "SWAP".equals(mode)
                            ? "; the database as it was before the swap is kept under another name"
                            : "")
                    .append(".\n"),
            () -> md.append("The backup's completion is not in the audit log.\n"));
    md.append("[Who was affected, what services were down]\n\n");

    md.append("## Timeline\n");
    facts
        .detected()
        .ifPresent(
            d ->
                md.append("- ")
                    .append(time(d.time()))
                    .append(": Detected: ")
                    .append(LoggedEvent.of(d).summary())
                    .append('\n'));
    if (planned != null) {
      md.append("- ")
          .append(time(planned.entry().time()))
          .append(": Restore planned (")
          .append(mode)
          .append(", backup `")
          .append(backupId)
          .append("`)\n");
    }
    if (confirmed != null) {
      md.append("- ")
          .append(time(confirmed.entry().time()))
          .append(": Confirmed by ")
          .append(Optional.ofNullable(confirmed.text("confirmedBy")).orElse("[unknown]"))
          .append('\n');
      md.append("- ")
          .append(time(confirmed.entry().time()))
          .append(": Safety backup: ")
          .append(safetyBackup(events, confirmed))
          .append('\n');
    }
    if (started != null) {
      md.append("- ")
          .append(time(started.entry().time()))
          .append(": Rollback initiated (restore started)\n");
    }
    for (Step step : steps) {
      md.append("- ")
          .append(time(step.start()))
          .append(": Step `")
          .append(step.name())
          .append('`')
          .append(
              step.end() != null
                  ? (step.failed() ? " failed after " : " took ")
                      + Units.duration(millis(step.start(), step.end()))
                  : " (did not finish)")
          .append('\n');
    }
    if (end != null) {
      md.append("- ").append(time(end.entry().time())).append(": ");
      if (completed != null) {
        md.append("Service restored (restore completed");
        if (started != null) {
          md.append(" in ")
              .append(Units.duration(millis(started.entry().time(), end.entry().time())));
        }
        md.append(")\n");
      } else {
        md.append(capitalize(end.summary())).append('\n');
      }
    }
    facts
        .healthAfter()
        .ifPresent(
            h ->
                md.append("- ")
                    .append(time(h.time()))
                    .append(": Health after: ")
                    .append(LoggedEvent.of(h).summary())
                    .append('\n'));
    md.append('\n');

    md.append("## Verification\n");
    List<Step> verification = steps.stream().filter(s -> s.name().startsWith("verify")).toList();
    if (verification.isEmpty()) {
      md.append("No verification step is in the audit log.\n");
    }
    for (Step step : verification) {
      md.append("- `")
          .append(step.name())
          .append("`: ")
          .append(
              step.failed()
                  ? "FAILED"
                  : step.end() != null
                      ? "passed in " + Units.duration(millis(step.start(), step.end()))
                      : "did not finish")
          .append('\n');
    }
    facts
        .healthAfter()
        .ifPresentOrElse(
            h ->
                md.append("- health check after the restore: ")
                    .append(LoggedEvent.of(h).summary())
                    .append('\n'),
            () -> md.append("- no health check after the restore is in the audit log\n"));
    md.append('\n');

    md.append("## Root Cause\n[Why it happened]\n\n");
    md.append("## Resolution\n");
    md.append("Restore `")
        .append(restoreId)
        .append("` of `")
        .append(database)
        .append("` from backup `")
        .append(backupId)
        .append("` ")
        .append(outcome)
        .append(".\n[How it was fixed]\n\n");
    md.append("## Follow-up Actions\n- [ ] [Action 1]\n- [ ] [Action 2]\n- [ ] [Action 3]\n\n");
    md.append("## Lessons Learned\n[What can we do better next time]\n");
    return md.toString();
  }

  /**
   * A progress event naming a new step starts it; the next one naming another step, or the end,
   * finishes it. Progress within a step (bytes restored so far) repeats the step's name.
   */
  private static List<Step> steps(List<LoggedEvent> events) {
    List<Step> steps = new ArrayList<>();
    String current = null;
    OffsetDateTime since = null;
    for (LoggedEvent e : events) {
      boolean progress = e.type().equals("dev.lifeboat.restore.progress");
      if (progress && current != null && current.equals(e.text("step"))) {
        continue;
      }
      boolean ends =
          e.type().equals("dev.lifeboat.restore.completed")
              || e.type().equals("dev.lifeboat.restore.failed")
              || e.type().equals("dev.lifeboat.restore.cancelled");
      if (current != null && (progress || ends)) {
        boolean failedHere = e.type().equals("dev.lifeboat.restore.failed");
        steps.add(new Step(current, since, e.entry().time(), failedHere));
        current = null;
      }
      if (progress) {
        current = e.text("step");
        since = e.entry().time();
      }
    }
    if (current != null) {
      steps.add(new Step(current, since, null, false));
    }
    return steps;
  }

  private static String safetyBackup(List<LoggedEvent> events, LoggedEvent confirmed) {
    if (!confirmed.data().path("safetyBackup").asBoolean()) {
      return "not requested";
    }
    for (LoggedEvent e : events) {
      if (e.type().equals("dev.lifeboat.backup.completed")) {
        return "`" + e.text("backupId") + "` completed at " + time(e.entry().time());
      }
    }
    return "requested; no completed safety backup is in the audit log";
  }

  private static LoggedEvent first(List<LoggedEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).findFirst().orElse(null);
  }

  private static long millis(OffsetDateTime from, OffsetDateTime to) {
    return Math.max(0, Duration.between(from, to).toMillis());
  }

  private static String time(OffsetDateTime t) {
    return TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
