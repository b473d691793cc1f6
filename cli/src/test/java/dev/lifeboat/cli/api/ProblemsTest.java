package dev.lifeboat.cli.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ProblemsTest {
  private static JsonNode json(String text) throws Exception {
    return ApiClient.JSON.readTree(text);
  }

  @Test
  void aProblemIsTitleAndDetailOnOneLine() throws Exception {
    assertEquals(
        "Not Found: backup bk_20260102T143022Z_1a2b3c4d does not exist",
        Problems.describe(
            404,
            json(
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                    + "\"detail\":\"backup bk_20260102T143022Z_1a2b3c4d does not exist\"}"),
            null));
  }

  @Test
  void rejectedFieldsAreNamedOnTheSameLine() throws Exception {
    assertEquals(
        "Bad Request: the request is invalid: 2 field(s) rejected (database: must be a database"
            + " name; labels[release]: size must be between 0 and 256)",
        Problems.describe(
            400,
            json(
                """
                {"title":"Bad Request","status":400,
                 "detail":"the request is invalid: 2 field(s) rejected",
                 "violations":[{"field":"database","message":"must be a database name"},
                               {"field":"labels[release]","message":"size must be between 0 and 256"}]}"""),
            null));
  }

  @Test
  void lineBreaksInADetailDoNotBreakTheLine() throws Exception {
    assertEquals(
        "Conflict: wrong code for rs_1 (4 attempt(s) left)",
        Problems.describe(
            409,
            json(
                "{\"title\":\"Conflict\",\"detail\":\"wrong code for rs_1\\n (4 attempt(s) left)\"}"),
            null));
  }

  @Test
  void anAnswerThatIsNotAProblemIsDescribedByItsStatus() {
    assertEquals(
        "Bad Gateway: HTTP 502: <html><body>upstream down</body></html>",
        Problems.describe(502, null, "<html><body>upstream down</body></html>\n"));
    assertEquals(
        "Unauthorized: the token was refused (missing, expired, malformed or signed by an issuer"
            + " the service does not trust)",
        Problems.describe(401, null, ""));
    assertEquals(
        "Forbidden: the token's roles do not allow this", Problems.describe(403, null, null));
  }
}
