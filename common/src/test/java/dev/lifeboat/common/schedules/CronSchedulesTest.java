package dev.lifeboat.common.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronSchedulesTest {
  private static final CronParser QUARTZ =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

  /** From a Thursday, 2026-12-03 10:17:30 UTC: when each schedule fires next. */
  private static final ZonedDateTime NOW =
      ZonedDateTime.of(2026, 12, 3, 10, 17, 30, 0, ZoneOffset.UTC);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * * *        | 2026-12-04T02:00Z", // seed 001's nightly dump
        "*/15 * * * *     | 2026-12-03T10:30Z",
        "30 3 * * 0       | 2026-12-06T03:30Z", // Sunday is 0 in crontab, 1 in Quartz
        "0 4 * * 1-5      | 2026-12-04T04:00Z",
        "0 0 1 * *        | 2027-01-01T00:00Z",
        "@hourly          | 2026-12-03T11:00Z",
        "@daily           | 2026-12-04T00:00Z",
        "@midnight        | 2026-12-04T00:00Z",
        "@weekly          | 2026-12-06T00:00Z",
        "@monthly         | 2027-01-01T00:00Z",
        "@YEARLY          | 2027-01-01T00:00Z",
        "0 0 2 * * ?      | 2026-12-04T02:00Z", // Quartz, six fields
        "0 0 2 ? * SUN *  | 2026-12-06T02:00Z", // Quartz, seven fields
        "*/5 * * * * ?    | 2026-12-03T10:17:35Z",
      })
  void firesWhenItsAuthorMeantIt(String schedule, String next) {
    String quartz = CronSchedules.toQuartz(schedule);
    ZonedDateTime fires =
        ExecutionTime.forCron(QUARTZ.parse(quartz)).nextExecution(NOW).orElseThrow();
    assertEquals(ZonedDateTime.parse(next), fires, schedule + " as " + quartz);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"", "   ", "@reboot", "@often", "0 2 * *", "61 2 * * *", "a b c d e"})
  void refusesWhatIsNoSchedule(String schedule) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CronSchedules.toQuartz(schedule));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "says why");
  }
}
