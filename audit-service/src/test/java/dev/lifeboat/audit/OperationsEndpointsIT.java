package dev.lifeboat.audit;

import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.OperationsEndpointsChecks;
import dev.lifeboat.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class OperationsEndpointsIT extends OperationsEndpointsChecks {

  @Override
  protected String serviceName() {
    return "audit-service";
  }

  @Override
  protected int defaultPort() {
    return 8084;
  }
}
