package dev.lifeboat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalKafkaTest {

  @Test
  void clusterIdsAreKraftShapedAndNeverLookLikeOptions() {
    for (int i = 0; i < 10_000; i++) {
      String id = LocalKafka.clusterId();
      assertEquals(22, id.length(), id);
      assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
      assertFalse(id.startsWith("-"), id);
    }
  }
}
