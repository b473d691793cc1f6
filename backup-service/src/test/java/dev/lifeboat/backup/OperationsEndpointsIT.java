package dev.lifeboat.backup;

import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.OperationsEndpointsChecks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class OperationsEndpointsIT extends OperationsEndpointsChecks {

  @Override
  protected String serviceName() {
    return "backup-service";
  }

  @Override
  protected int defaultPort() {
    return 8081;
  }
}
