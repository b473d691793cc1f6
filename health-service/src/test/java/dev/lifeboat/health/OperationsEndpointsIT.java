package dev.lifeboat.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.OperationsEndpointsChecks;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class OperationsEndpointsIT extends OperationsEndpointsChecks {

  @Override
  protected String serviceName() {
    return "health-service";
  }

  @Override
  protected int defaultPort() {
    return 8083;
  }

  @Test
  void isReadyOnlyWithItsControlDatabaseAndBucket() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("object storage"))
        .body(
            "checks.find { it.name == 'object storage' }.data.bucket", equalTo("lifeboat-backups"))
        .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
  }
}
