package dev.lifeboat.health;

import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.OperationsEndpointsChecks;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

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
}
