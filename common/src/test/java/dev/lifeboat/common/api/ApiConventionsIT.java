package dev.lifeboat.common.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class ApiConventionsIT {
  private static final String PROBLEM = "application/problem+json";

  @Inject TargetDatabases targets;

  private static String bearer(String... roles) {
    return "Bearer " + Tokens.forRoles("tester", roles);
  }

  @Test
  void noTokenIs401WithAProblem() {
    given()
        .when()
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM)
        .header("WWW-Authenticate", "Bearer")
        .body(
            "status",
            equalTo(401),
            "title",
            equalTo("Unauthorized"),
            "instance",
            equalTo("/test/probe"));
  }

  @Test
  void badTokensAre401() throws Exception {
    given()
        .header("Authorization", "Bearer not-a-jwt")
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    given()
        .header("Authorization", "Bearer " + Tokens.expired("tester", Roles.ADMIN))
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);

    // Signed by the right key for the right issuer, but for another service: refused.
    given()
        .header("Authorization", "Bearer " + Tokens.forAudience("grafana", "tester", Roles.ADMIN))
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    String noAudience =
        Jwt.issuer(Tokens.ISSUER)
            .upn("tester")
            .groups(Set.of(Roles.ADMIN))
            .sign(
                io.smallrye.jwt.util.KeyUtils.readPrivateKey(
                    "dev/lifeboat/testsupport/jwt/privateKey.pem"));
    given()
        .header("Authorization", "Bearer " + noAudience)
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);

    var generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String forged =
        Jwt.issuer(Tokens.ISSUER)
            .upn("mallory")
            .groups(Set.of(Roles.ADMIN))
            .sign(generator.generateKeyPair().getPrivate());
    given()
        .header("Authorization", "Bearer " + forged)
        .get("/test/probe")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
  }

  @Test
  void aRoleTooLowIs403AndChangesNothing() {
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .contentType("application/json")
        .body("{\"database\":\"app\"}")
        .post("/test/probe")
        .then()
        .statusCode(403)
        .contentType(PROBLEM)
        .body("status", equalTo(403));
    given()
        .header("Authorization", bearer("developers"))
        .get("/test/probe")
        .then()
        .statusCode(403)
        .contentType(PROBLEM);
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .delete("/test/probe")
        .then()
        .statusCode(403);
  }

  @Test
  void higherRolesMayDoWhatLowerOnesMay() {
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .get("/test/probe")
        .then()
        .statusCode(200)
        .body("ok", equalTo(true));
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body("{\"database\":\"app\"}")
        .post("/test/probe")
        .then()
        .statusCode(200)
        .body("database", equalTo("app"));
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .delete("/test/probe")
        .then()
        .statusCode(200);
  }

  @Test
  void anEndpointWithoutRolesIsClosed() {
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .get("/test/probe/unannotated")
        .then()
        .statusCode(403)
        .body(not(containsString("nobody")));
  }

  @Test
  void invalidFieldsAre400WithEachViolation() {
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":\"../etc\",\"labels\":{\"a\":\"toolong\",\"b\":\"1\",\"c\":\"2\"}}")
        .post("/test/probe")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("violations", hasSize(3))
        .body(
            "violations.field",
            org.hamcrest.Matchers.containsInAnyOrder("database", "labels", "labels[a]"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .queryParam("limit", 1000)
        .get("/test/probe")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("violations[0].field", equalTo("limit"));
  }

  @Test
  void brokenJsonIs400() {
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\": ")
        .post("/test/probe")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("detail", containsString("not valid JSON"));
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\": 42}")
        .post("/test/probe")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("detail", containsString("field database must be a string"));
  }

  @Test
  void aValueOfTheWrongShapeNamesItsFieldAndWhatItTakesNotJavaTypes() {
    for (var wrong :
        Map.of(
                "{\"database\":\"app\",\"mode\":\"BOGUS\"}",
                "field mode must be one of FAST, SAFE (not \"BOGUS\")",
                "{\"database\":\"app\",\"tables\":\"public.orders\"}",
                "field tables must be a list",
                "{\"database\":\"app\",\"tables\":[\"a\",{}]}",
                "field tables[1] must be a string",
                "{\"database\":\"app\",\"labels\":[]}",
                "field labels must be an object")
            .entrySet()) {
      given()
          .header("Authorization", bearer(Roles.PIPELINE))
          .contentType("application/json")
          .body(wrong.getKey())
          .post("/test/probe")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("detail", containsString(wrong.getValue()))
          .body("detail", org.hamcrest.Matchers.not(containsString("java")))
          .body("detail", org.hamcrest.Matchers.not(containsString("dev.lifeboat")));
    }
  }

  @Test
  void anUnknownDatabaseIs400() {
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":\"shop\"}")
        .post("/test/probe")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body(
            "detail",
            equalTo("unknown database \"shop\": not configured under lifeboat.databases"));
  }

  @Test
  void notFoundSaysWhat() {
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/test/probe/missing/bk_1")
        .then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("detail", equalTo("backup bk_1 does not exist"));
  }

  @Test
  void unexpectedErrorsAre500WithoutInternals() {
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/test/probe/boom")
        .then()
        .statusCode(500)
        .contentType(PROBLEM)
        .body("detail", containsString("the service log has the details"))
        .body(not(containsString("secret internal detail")))
        .body(not(containsString("IllegalStateException")));
  }

  @Test
  void wrongMethodAndMediaTypeAreProblems() {
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .put("/test/probe")
        .then()
        .statusCode(405)
        .contentType(PROBLEM);
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .contentType("text/plain")
        .body("x")
        .post("/test/probe")
        .then()
        .statusCode(415)
        .contentType(PROBLEM);
  }

  @Test
  void targetDatabasesComeFromConfiguration() {
    assertEquals(Set.of("app"), targets.all().keySet());
    assertEquals(
        Optional.of(Duration.ofDays(30)),
        targets.get("app").maxAge(),
        "max-age=30d as the contract writes it");
    assertEquals(7, targets.get("app").keepLast());
  }

  @Test
  void operationsEndpointsAnswer() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("/test/probe"));
  }

  @Test
  void everyOperationDocumentsItsProblemResponses() {
    String post = "paths.'/test/probe'.post.responses.";
    String delete = "paths.'/test/probe'.delete.responses.";
    given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(
            post + "'400'.content.'application/problem+json'.schema.'$ref'",
            equalTo("#/components/schemas/Problem"))
        .body(post + "'401'.description", equalTo("No valid bearer token"))
        .body(post + "'403'.description", equalTo("The token's roles do not allow this"))
        .body(delete + "'401'.description", equalTo("No valid bearer token"))
        .body(delete + "'400'", nullValue())
        .body("components.schemas.Problem.properties.status.type", equalTo("integer"));
  }
}
