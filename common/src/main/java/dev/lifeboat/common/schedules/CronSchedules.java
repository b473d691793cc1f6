package dev.lifeboat.common.schedules;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;

/**
 * Schedules as people write them, in the form the Quarkus scheduler takes (Quartz). Runbooks and
 * crontabs use five fields ({@code 0 2 * * *}) and the {@code @daily} shorthands; Quarkus reads
 * Quartz's six or seven fields with seconds first. All three are accepted, so a schedule copied
 * from a crontab means what it meant there, and a Quartz one keeps working.
 */
public final class CronSchedules {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser QUARTZ =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
  private static final CronMapper UNIX_TO_QUARTZ = CronMapper.fromUnixToQuartz();

  /** crontab(5)'s shorthands; {@code @reboot} has no meaning for a service and is refused. */
  private static final Map<String, String> SHORTHANDS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private CronSchedules() {}

  /**
   * The Quartz expression for {@code schedule}: five crontab fields, a shorthand such as {@code
   * @daily}, or six/seven Quartz fields.
   *
   * @throws IllegalArgumentException naming what is wrong, when it is none of these
   */
  public static String toQuartz(String schedule) {
    String written = schedule == null ? "" : schedule.trim();
    if (written.startsWith("@")) {
      String crontab = SHORTHANDS.get(written.toLowerCase(Locale.ROOT));
      if (crontab == null) {
        throw new IllegalArgumentException(
            "unknown shorthand "
                + written
                + " (known: @hourly, @daily, @midnight, @weekly, @monthly, @yearly)");
      }
      return fromCrontab(crontab);
    }
    int fields = written.isEmpty() ? 0 : written.split("\\s+").length;
    return switch (fields) {
      case 5 -> fromCrontab(written);
      case 6, 7 -> QUARTZ.parse(written).validate().asString();
      default ->
          throw new IllegalArgumentException(
              "a schedule has five crontab fields (minute hour day month weekday), a shorthand"
                  + " such as @daily, or six or seven Quartz fields; \""
                  + written
                  + "\" has "
                  + fields);
    };
  }

  private static String fromCrontab(String crontab) {
    Cron unix = UNIX.parse(crontab).validate();
    return UNIX_TO_QUARTZ.map(unix).asString();
  }
}
