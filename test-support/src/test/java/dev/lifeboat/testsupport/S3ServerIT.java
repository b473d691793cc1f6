package dev.lifeboat.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class S3ServerIT {
  private final S3Endpoint s3 = TestServers.s3();

  @Test
  void storesAndReturnsAMultipartObjectByteForByte() throws Exception {
    s3.createBucket("smoke");
    MinioClient client = s3.client();
    byte[] data = new byte[12 * 1024 * 1024];
    new Random(42).nextBytes(data);

    // Unknown length with a 5 MiB part size forces a multipart upload of three parts.
    client.putObject(
        PutObjectArgs.builder().bucket("smoke").object("db/bk_1/dump").stream(
                new ByteArrayInputStream(data), -1, 5 * 1024 * 1024)
            .build());

    assertEquals(
        data.length,
        client
            .statObject(StatObjectArgs.builder().bucket("smoke").object("db/bk_1/dump").build())
            .size());
    try (var in =
        client.getObject(GetObjectArgs.builder().bucket("smoke").object("db/bk_1/dump").build())) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void rejectsWrongCredentials() {
    s3.createBucket("smoke");
    MinioClient intruder =
        MinioClient.builder().endpoint(s3.url()).credentials(s3.accessKey(), "wrong").build();

    var e =
        assertThrows(
            ErrorResponseException.class,
            () ->
                intruder.statObject(
                    StatObjectArgs.builder().bucket("smoke").object("anything").build()));
    assertEquals(403, e.response().code());
  }
}
