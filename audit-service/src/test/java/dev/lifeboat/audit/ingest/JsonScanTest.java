package dev.lifeboat.audit.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonScanTest {

  private static JsonScan.Findings scan(String json) throws Exception {
    return JsonScan.scan(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsCredentialNamedFieldsAtAnyDepthWithTheirPath() throws Exception {
    assertEquals(
        Optional.of("data.labels.api_token"),
        scan("{\"id\":\"x\",\"data\":{\"database\":\"a\",\"labels\":{\"api_token\":\"t\"}}}")
            .credentialField());
    assertEquals(
        Optional.of("data.connection.dbPassword"),
        scan("{\"data\":{\"connection\":{\"dbPassword\":\"p\"}}}").credentialField());
    assertEquals(
        Optional.of("secretKey"), scan("{\"a\":[1,{\"b\":2}],\"secretKey\":1}").credentialField());
    assertTrue(
        scan("{\"data\":{\"items\":[{\"Private-Key\":\"k\"}]}}").credentialField().isPresent());
  }

  @Test
  void contractFieldsAreNotCredentials() throws Exception {
    String completed =
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"dev.lifeboat.backup.completed\","
            + "\"correlationid\":\"c\",\"data\":{\"backupId\":\"b\",\"database\":\"a\",\"objectKey\":\"k\","
            + "\"sizeBytes\":1,\"dumpBytes\":1,\"sha256\":\"x\",\"durationMillis\":1,\"tables\":1,"
            + "\"requestedBy\":\"p\",\"reason\":\"token rotation\",\"checksumOk\":true}}";
    assertEquals(Optional.empty(), scan(completed).credentialField(), "values are not names");
    assertFalse(scan(completed).nul());
  }

  @Test
  void findsNulCharacters() throws Exception {
    assertTrue(scan("{\"data\":{\"reason\":\"a\\u0000b\"}}").nul());
    assertFalse(scan("{\"data\":{\"reason\":\"a\\\\u0000b\"}}").nul(), "an escaped backslash");
  }

  @Test
  void redactsCredentialValuesInJsonAndText() {
    assertEquals(
        "password=[redacted] and token: [redacted] but not size=3",
        CredentialFields.redactText("password=hunter2 and token: \"abc def\" but not size=3"));
    assertTrue(CredentialFields.isCredentialName("AWS_SECRET_ACCESS_KEY"));
    assertTrue(CredentialFields.isCredentialName("pwd"));
    assertFalse(CredentialFields.isCredentialName("backupId"));
    assertFalse(CredentialFields.isCredentialName("passes"));
  }
}
