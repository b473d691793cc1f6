package dev.lifeboat.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What the contract promises of every service's operations endpoints. A service's IT extends this
 * with {@code @QuarkusTest} and the test resources of the dependencies it uses.
 */
public abstract class OperationsEndpointsChecks {

  /** {@code quarkus.application.name}, the single source of the service's name. */
  protected abstract String serviceName();

  /** The contract's default HTTP port of this service. */
  protected abstract int defaultPort();

  /** Tests run on a random port, so the default is read from the service's own configuration. */
  @Test
  void isConfiguredWithTheContractsNameAndDefaultPort() throws IOException {
    assertEquals(
        serviceName(),
        ConfigProvider.getConfig().getValue("quarkus.application.name", String.class));
    Properties properties = new Properties();
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("application.properties")) {
      properties.load(in);
    }
    assertEquals(String.valueOf(defaultPort()), properties.getProperty("quarkus.http.port"));
  }

  @Test
  void isLiveAndReadyWithItsDependencies() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"));
  }

  @Test
  void exposesPrometheusMetrics() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("jvm_memory_used_bytes"))
        .body(containsString("jvm_threads_live_threads"));
  }

  @Test
  void describesItsApiInOpenApi() {
    given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("openapi", org.hamcrest.Matchers.startsWith("3."))
        .body("info.title", equalTo("Lifeboat " + serviceName()));
  }
}
