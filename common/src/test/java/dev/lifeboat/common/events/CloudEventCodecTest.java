package dev.lifeboat.common.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.validation.Validation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventCodecTest {
  private final CloudEventCodec codec =
      new CloudEventCodec(
          Validation.byDefaultProvider()
              .configure()
              .messageInterpolator(new ParameterMessageInterpolator())
              .buildValidatorFactory()
              .getValidator());

  /** The contract's example command, with {@code data} replaced. */
  private static String command(String data) {
    return """
        {"specversion":"1.0","id":"cmd-1","source":"/pipelines/app-deploy","type":"dev.lifeboat.backup.requested",
         "subject":"app","datacontenttype":"application/json","data":%s}"""
        .formatted(data);
  }

  private static final String CONTRACT_DATA =
      """
      {"database":"app","reason":"pre-migration","migration":"20260103_add_escrow_status",
       "requestedBy":"deploy-pipeline","labels":{"release":"v1.4.0"}}""";

  private CloudEvent<BackupEvents.Requested> decode(String json) throws InvalidEventException {
    return codec.decode(json.getBytes(UTF_8), Map.of(), EventType.BACKUP_REQUESTED);
  }

  private String rejection(String json) {
    return assertThrows(InvalidEventException.class, () -> decode(json)).getMessage();
  }

  @Test
  void readsTheContractsExampleCommand() throws Exception {
    CloudEvent<BackupEvents.Requested> event = decode(command(CONTRACT_DATA));

    assertEquals("cmd-1", event.id());
    assertEquals("app", event.subject());
    assertEquals(
        "cmd-1",
        event.correlationIdOrId(),
        "a command without correlationid correlates with itself");
    BackupEvents.Requested data = event.data();
    assertEquals("app", data.database());
    assertEquals("pre-migration", data.reason());
    assertEquals("20260103_add_escrow_status", data.migration());
    assertEquals("deploy-pipeline", data.requestedBy());
    assertEquals(Map.of("release", "v1.4.0"), data.labels());
    assertNull(data.backupId());
  }

  @Test
  void readsBinaryModeWithCeHeaders() throws Exception {
    Map<String, String> headers =
        Map.of(
            "ce_specversion", "1.0",
            "ce_id", "bin-1",
            "ce_source", "/pipelines/x",
            "ce_type", "dev.lifeboat.backup.requested",
            "ce_subject", "app",
            "ce_time", "2026-01-02T14:30:22+02:00",
            "ce_correlationid", "incident-7",
            "content-type", "application/json");

    var event = codec.decode(CONTRACT_DATA.getBytes(UTF_8), headers, EventType.BACKUP_REQUESTED);

    assertEquals("bin-1", event.id());
    assertEquals("incident-7", event.correlationIdOrId());
    assertEquals(
        java.time.OffsetDateTime.parse("2026-01-02T12:30:22Z").toInstant(),
        event.time().toInstant());
    assertEquals("20260103_add_escrow_status", event.data().migration());
  }

  @Test
  void everyContractTypeSurvivesARoundTrip() throws Exception {
    Map<EventType<?>, EventData> samples = new HashMap<>();
    String bk = "bk_20260102T143022Z_1a2b3c4d";
    samples.put(
        EventType.BACKUP_REQUESTED,
        new BackupEvents.Requested("app", "r", "m", "me", Map.of("k", "v"), bk));
    samples.put(EventType.BACKUP_STARTED, new BackupEvents.Started(bk, "app", "m"));
    samples.put(EventType.BACKUP_PROGRESS, new BackupEvents.Progress(bk, "app", 10, 5, 100));
    samples.put(
        EventType.BACKUP_COMPLETED,
        new BackupEvents.Completed(bk, "app", "app/" + bk + "/dump", 5, 10, "ab", 3, 2, "m"));
    samples.put(
        EventType.BACKUP_FAILED, new BackupEvents.Failed(bk, "app", "pg_dump: connection refused"));
    samples.put(EventType.BACKUP_PRUNED, new BackupEvents.Pruned(bk, "app", "keep-last 7"));
    samples.put(
        EventType.RESTORE_PLANNED,
        new RestoreEvents.Planned("rs_1", bk, "app", RestoreEvents.Mode.SWAP));
    samples.put(
        EventType.RESTORE_CONFIRMED,
        new RestoreEvents.Confirmed(
            "rs_1",
            bk,
            "app",
            RestoreEvents.Mode.TABLES,
            List.of("public.orders"),
            null,
            true,
            "alice"));
    samples.put(
        EventType.RESTORE_STARTED,
        new RestoreEvents.Started("rs_1", bk, "app", RestoreEvents.Mode.SWAP));
    samples.put(
        EventType.RESTORE_PROGRESS,
        new RestoreEvents.Progress("rs_1", "app", "restore", 40, 1000, 3));
    samples.put(EventType.RESTORE_COMPLETED, new RestoreEvents.Completed("rs_1", bk, "app", 1234));
    samples.put(
        EventType.RESTORE_FAILED,
        new RestoreEvents.Failed("rs_1", bk, "app", "verify", "row counts differ"));
    samples.put(EventType.RESTORE_CANCELLED, new RestoreEvents.Cancelled("rs_1", "app", "bob"));
    samples.put(
        EventType.HEALTH_CHECKED,
        new HealthEvents.Checked("ck_1", "app", HealthEvents.Status.DEGRADED, bk, 2, "api"));
    samples.put(
        EventType.BACKUP_VERIFIED,
        new HealthEvents.BackupVerified(
            "vf_1", bk, "app", true, new HealthEvents.Drill(true, true, 900), "ab".repeat(32)));
    samples.put(
        EventType.BACKUP_VERIFICATION_FAILED,
        new HealthEvents.BackupVerificationFailed("vf_1", bk, "app", "sha256 differs"));
    samples.put(
        EventType.COMMAND_REJECTED,
        new CommandRejected("app", "broken", "x", null, "lifeboat.backup.requests", 0, 12));
    samples.put(EventType.MIGRATION_STARTED, new MigrationReported("app", "m1", bk));
    samples.put(EventType.MIGRATION_APPLIED, new MigrationReported("app", "m1", null));
    samples.put(EventType.MIGRATION_FAILED, new MigrationReported("app", "m1", bk));
    assertEquals(EventType.all().size(), samples.size(), "a sample for every type of the contract");

    for (EventType<?> type : EventType.all()) {
      roundTrip(type, samples.get(type));
    }
  }

  private <T extends EventData> void roundTrip(EventType<T> type, EventData data) throws Exception {
    CloudEvent<T> sent =
        CloudEvent.create(type, "/lifeboat/test", "corr-1", type.dataClass().cast(data));
    String json = new String(codec.encode(sent), UTF_8);
    assertTrue(json.contains("\"type\":\"" + type.name() + "\""), json);
    assertTrue(json.contains("\"correlationid\":\"corr-1\""), json);

    CloudEvent<T> received = codec.decode(json.getBytes(UTF_8), Map.of(), type);
    assertEquals(sent, received, type.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "not json", "{\"specversion\":\"1.0\",}", "\u0000\u0001", "{}{}"})
  void rejectsBrokenJson(String json) {
    String reason =
        assertThrows(
                InvalidEventException.class, () -> codec.decode(json.getBytes(UTF_8), Map.of()))
            .getMessage();
    assertTrue(
        reason.startsWith("message is not valid JSON")
            || reason.startsWith("message is not a JSON object")
            || reason.startsWith("specversion"),
        reason);
  }

  @Test
  void rejectsNonObjectsAndEmptiness() {
    assertEquals("message is not a JSON object", rejection("[1,2]"));
    assertEquals("message is not a JSON object", rejection("\"text\""));
    assertEquals(
        "empty message",
        assertThrows(InvalidEventException.class, () -> codec.decode(new byte[0], Map.of()))
            .getMessage());
  }

  @Test
  void rejectsMissingAttributes() {
    assertEquals(
        "id is missing", rejection(command(CONTRACT_DATA).replace("\"id\":\"cmd-1\",", "")));
    assertEquals(
        "source is missing",
        rejection(command(CONTRACT_DATA).replace("\"source\":\"/pipelines/app-deploy\",", "")));
    assertEquals(
        "type is missing",
        rejection(
            command(CONTRACT_DATA).replace("\"type\":\"dev.lifeboat.backup.requested\",", "")));
    assertEquals(
        "specversion must be \"1.0\", not null",
        rejection(command(CONTRACT_DATA).replace("\"specversion\":\"1.0\",", "")));
    assertEquals("data must be a JSON object", rejection(command("null")));
    assertEquals("data must be a JSON object", rejection(command("\"app\"")));
    assertEquals(
        "data.database must be a database name matching [a-z0-9][a-z0-9_-]{0,62}",
        rejection(command("{\"reason\":\"x\"}").replace("\"subject\":\"app\",", "")));
  }

  @Test
  void rejectsWrongTypes() {
    assertEquals(
        "id must be a string",
        rejection(command(CONTRACT_DATA).replace("\"id\":\"cmd-1\"", "\"id\":42")));
    assertEquals(
        "subject must be a string",
        rejection(command(CONTRACT_DATA).replace("\"subject\":\"app\"", "\"subject\":[\"app\"]")));
    assertTrue(
        rejection(command(CONTRACT_DATA.replace("\"pre-migration\"", "42")))
            .startsWith("data.reason: "));
    assertTrue(
        rejection(command(CONTRACT_DATA.replace("\"pre-migration\"", "true")))
            .startsWith("data.reason: "));
    assertTrue(
        rejection(command(CONTRACT_DATA.replace("\"pre-migration\"", "{\"a\":1}")))
            .startsWith("data.reason: "));
    assertTrue(
        rejection(command(CONTRACT_DATA.replace("\"v1.4.0\"", "1.4")))
            .startsWith("data.labels.release: "));
    assertTrue(
        rejection(command(CONTRACT_DATA.replace("{\"release\":\"v1.4.0\"}", "[\"v1\"]")))
            .startsWith("data.labels: "));
    assertTrue(
        rejection(
                command(CONTRACT_DATA)
                    .replace("\"time\"", "\"x\"")
                    .replace(
                        "\"datacontenttype\":\"application/json\"",
                        "\"time\":\"yesterday\",\"datacontenttype\":\"application/json\""))
            .startsWith("time is not an RFC 3339 timestamp"));
  }

  @Test
  void rejectsTypesOfOtherTopicsAndUnknownTypes() {
    String reason =
        rejection(
            command(CONTRACT_DATA)
                .replace("dev.lifeboat.backup.requested", "dev.lifeboat.migration.applied")
                .replace("\"reason\"", "\"migrationx\""));
    assertTrue(
        reason.startsWith("data.migration") || reason.startsWith("unexpected event type"), reason);
    String valid =
        command("{\"database\":\"app\",\"migration\":\"m1\"}")
            .replace("dev.lifeboat.backup.requested", "dev.lifeboat.migration.applied");
    assertEquals(
        "unexpected event type \"dev.lifeboat.migration.applied\": expected dev.lifeboat.backup.requested",
        rejection(valid));
    assertEquals(
        "unknown event type \"com.example.evil\"",
        rejection(
            command(CONTRACT_DATA).replace("dev.lifeboat.backup.requested", "com.example.evil")));
  }

  @Test
  void enforcesTextAndLabelLimits() {
    String longText = "x".repeat(TextLimits.TEXT + 1);
    assertEquals(
        "data.reason size must be between 0 and 256",
        rejection(command(CONTRACT_DATA.replace("pre-migration", longText))));
    assertEquals(
        "data.requestedBy size must be between 0 and 256",
        rejection(command(CONTRACT_DATA.replace("deploy-pipeline", longText))));
    String keyReason =
        rejection(command(CONTRACT_DATA.replace("\"release\"", "\"" + longText + "\"")));
    assertTrue(
        keyReason.startsWith("data.labels[\"xxxx")
            && keyReason.endsWith("...\"] size must be between 0 and 256"),
        keyReason);
    assertEquals(
        "data.labels[release] size must be between 0 and 256",
        rejection(command(CONTRACT_DATA.replace("v1.4.0", longText))));
    String labels =
        IntStream.range(0, TextLimits.LABELS + 1)
            .mapToObj(i -> "\"l" + i + "\":\"v\"")
            .collect(Collectors.joining(",", "{", "}"));
    assertEquals(
        "data.labels size must be between 0 and 32",
        rejection(command(CONTRACT_DATA.replace("{\"release\":\"v1.4.0\"}", labels))));
    assertEquals(
        "id is longer than 256 characters",
        rejection(command(CONTRACT_DATA).replace("cmd-1", longText)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"app\\\"; DROP DATABASE app; --", "../etc", "App", "\\u0430pp", "app\\u0000", ""})
  void rejectsHostileDatabaseNames(String name) {
    String json =
        command(CONTRACT_DATA.replace("\"database\":\"app\"", "\"database\":\"" + name + "\""))
            .replace("\"subject\":\"app\",", "");
    var e = assertThrows(InvalidEventException.class, () -> decode(json));
    assertEquals(
        "data.database must be a database name matching [a-z0-9][a-z0-9_-]{0,62}", e.getMessage());
    assertNull(e.database(), "an untrusted name is not carried into the rejection");
    assertEquals("cmd-1", e.eventId());
  }

  @Test
  void rejectsASubjectThatDisagreesWithTheData() {
    assertEquals(
        "subject \"other\" does not match data.database \"app\"",
        rejection(command(CONTRACT_DATA).replace("\"subject\":\"app\"", "\"subject\":\"other\"")));
    assertTrue(
        rejection(command(CONTRACT_DATA).replace("\"subject\":\"app\"", "\"subject\":\"../x\""))
            .startsWith("subject must be a database name"));
  }

  @Test
  void rejectsOversizedDeepAndDuplicatedInput() {
    String huge =
        command(CONTRACT_DATA.replace("pre-migration", "x".repeat(TextLimits.EVENT_BYTES)));
    assertTrue(rejection(huge).startsWith("message of "), "oversized");

    String deep = command("{\"database\":\"app\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}");
    assertTrue(rejection(deep).startsWith("message is not valid JSON"), "deeply nested");

    String duplicated =
        command(CONTRACT_DATA)
            .replace("\"subject\":\"app\"", "\"subject\":\"app\",\"subject\":\"other\"");
    assertTrue(rejection(duplicated).startsWith("message is not valid JSON"), "duplicate keys");

    assertEquals(
        "data_base64 is not supported: data must be a JSON object",
        rejection(
            command(CONTRACT_DATA).replace("\"data\":", "\"data_base64\":\"AAAA\",\"data\":")));
  }

  @Test
  void echoesNothingUnsafeInReasons() {
    String reason =
        rejection(
            command(CONTRACT_DATA)
                .replace("dev.lifeboat.backup.requested", "evil\\n\\u001b[31mred"));
    assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c < 0x7f), reason);
  }

  @Test
  void keepsWhatIdentifiesARejectedEvent() {
    var e =
        assertThrows(
            InvalidEventException.class,
            () -> decode(command(CONTRACT_DATA.replace("pre-migration", "x".repeat(300)))));
    assertEquals("cmd-1", e.eventId());
    assertEquals("dev.lifeboat.backup.requested", e.eventType());
    assertEquals("app", e.database());
  }

  @Test
  void anEventCreatedWithoutCorrelationCorrelatesWithItself() {
    var event =
        CloudEvent.create(
            EventType.BACKUP_STARTED,
            "/lifeboat/test",
            null,
            new BackupEvents.Started("bk_20260102T143022Z_1a2b3c4d", "app", null));
    assertEquals(event.id(), event.correlationid());
    assertEquals("app", event.subject());
    assertInstanceOf(BackupEvents.Started.class, event.data());
  }
}
