package dev.lifeboat.bench.lifeboat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.TopicRecorder;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Requests backups the way a deploy pipeline does, a CloudEvent on {@code
 * lifeboat.backup.requests}, and waits for the {@code backup.completed} event that follows the
 * manifest.
 */
public final class BackupRequests implements AutoCloseable {
  private static final String REQUESTS = "lifeboat.backup.requests";
  private static final String EVENTS = "lifeboat.events";
  private static final String COMPLETED = "dev.lifeboat.backup.completed";
  private static final String FAILED = "dev.lifeboat.backup.failed";

  private final ObjectMapper json = new ObjectMapper();
  // One producer for the whole run, so that no measured request pays for a client's start.
  private final KafkaProducer<String, String> producer;
  private final TopicRecorder events;
  private final MinioClient storage;
  private final String bucket;

  public BackupRequests(KafkaEndpoint kafka, S3Endpoint s3, String bucket) {
    this.producer = kafka.producer();
    this.events = kafka.recorder(EVENTS);
    this.storage = s3.client();
    this.bucket = bucket;
  }

  /** What one backup took, from publishing its command to seeing it completed. */
  public record Completed(
      String backupId,
      Duration elapsed,
      long sizeBytes,
      long dumpBytes,
      Duration serviceReported) {}

  /** Requests a backup of {@code database} and waits until its manifest is stored. */
  public Completed backup(String database, Duration timeout) {
    String id = "bench-" + UUID.randomUUID();
    long started = System.nanoTime();
    try {
      producer.send(new ProducerRecord<>(REQUESTS, database, command(id, database))).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not publish the backup command", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    JsonNode outcome = parse(events.await(r -> isOutcomeOf(r, id), 1, timeout).get(0));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    JsonNode data = outcome.path("data");
    if (FAILED.equals(outcome.path("type").asText())) {
      throw new IllegalStateException(
          "backup of " + database + " failed: " + data.path("reason").asText());
    }
    String backupId = data.path("backupId").asText();
    requireManifest(database, backupId);
    return new Completed(
        backupId,
        elapsed,
        data.path("sizeBytes").asLong(),
        data.path("dumpBytes").asLong(),
        Duration.ofMillis(data.path("durationMillis").asLong()));
  }

  private String command(String id, String database) {
    ObjectNode command = json.createObjectNode();
    command.put("specversion", "1.0");
    command.put("id", id);
    command.put("source", "/bench");
    command.put("type", "dev.lifeboat.backup.requested");
    command.put("subject", database);
    command.put("datacontenttype", "application/json");
    command.putObject("data").put("database", database).put("reason", "benchmark");
    return command.toString();
  }

  private boolean isOutcomeOf(ConsumerRecord<String, String> record, String id) {
    JsonNode event = parse(record);
    String type = event.path("type").asText();
    return id.equals(event.path("correlationid").asText())
        && (COMPLETED.equals(type) || FAILED.equals(type));
  }

  private JsonNode parse(ConsumerRecord<String, String> record) {
    try {
      return json.readTree(record.value());
    } catch (IOException e) {
      // Other services' events share the topic; one that is not JSON is none of ours.
      return json.createObjectNode();
    }
  }

  /** The completed event promises a manifest; the benchmark times "request → manifest". */
  private void requireManifest(String database, String backupId) {
    String key = database + "/" + backupId + "/manifest.json";
    try {
      storage.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IllegalStateException("backup completed but " + key + " is not readable", e);
    }
  }

  @Override
  public void close() {
    producer.close();
    events.close();
  }
}
