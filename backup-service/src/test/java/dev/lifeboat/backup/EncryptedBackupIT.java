package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.TopicRecorder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Backups encrypted to an age recipient: the service never holds the private key. */
@QuarkusTest
@TestProfile(EncryptedBackupIT.Profile.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "app"),
      @ResourceArg(name = "control", value = "lifeboat_encrypted")
    })
class EncryptedBackupIT {
  /** A key pair made with age-keygen for this test only. */
  static final String RECIPIENT = "age1v8cp4lvqa058kextzgkk8c4c07wgxw4upput6ljdjteey4s533yqqxdm6y";

  static final String IDENTITY =
      "AGE-SECRET-KEY-1Y98R6CCVLH5QDPXAX63W02853GDD0H09LPZA6RX70F208ZLV7E8SK8608Q";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final StoredBackups stored = new StoredBackups(TestServers.s3());
  private final ObjectMapper json = new ObjectMapper();

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("lifeboat.backup.encryption.recipients", RECIPIENT);
    }
  }

  @Test
  void anEncryptedBackupRestoresWithAgeZstdAndPgRestore() throws Exception {
    ShopDatabase.create(pg, "app");
    Map<String, Long> counts = ShopDatabase.counts(pg, "app");
    String id = "enc-" + UUID.randomUUID();
    String backupId;
    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      kafka.send(
          Topics.BACKUP_REQUESTS,
          "app",
          """
          {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
           "data":{"database":"app"}}"""
              .formatted(id),
          Map.of());
      backupId =
          json.readTree(
                  events
                      .await(
                          r -> r.value().contains(id) && r.value().contains("backup.completed"),
                          1,
                          Duration.ofSeconds(60))
                      .get(0)
                      .value())
              .path("data")
              .path("backupId")
              .asText();
    }

    JsonNode manifest = stored.manifest("app", backupId);
    assertEquals("age", manifest.path("encryption").asText());
    assertEquals(RECIPIENT, manifest.path("encryptionKeyIds").get(0).asText());
    byte[] dump = stored.read("app/" + backupId + "/dump");
    assertTrue(
        new String(dump, 0, 21, StandardCharsets.US_ASCII).startsWith("age-encryption.org/v1"));
    assertEquals(
        StoredBackups.sha256(dump),
        manifest.path("sha256").asText(),
        "the checksum covers the stored bytes");

    Path dir = Files.createTempDirectory("lifeboat-age");
    Path key = dir.resolve("key.txt");
    Files.writeString(key, IDENTITY + "\n");
    Path decrypted = dir.resolve("dump.zst");
    Process age =
        new ProcessBuilder("age", "-d", "-i", key.toString(), "-o", decrypted.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectErrorStream(true)
            .start();
    try (var in = age.getOutputStream()) {
      in.write(dump);
    }
    String said = new String(age.getInputStream().readAllBytes());
    assertEquals(0, age.waitFor(), said);

    StoredBackups.restoreByHand(pg, Files.readAllBytes(decrypted), "app_decrypted");
    assertEquals(counts, ShopDatabase.counts(pg, "app_decrypted"));
  }
}
