package dev.lifeboat.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A running Kafka broker, with plain clients that tests use to talk to it as pipelines do. */
public record KafkaEndpoint(String bootstrapServers) {

  public KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** A consumer in a group of its own that reads the topics from their beginning. */
  public KafkaConsumer<String, String> consumer(String... topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topics));
    return consumer;
  }

  /** A consumer that remembers every record it read, for tests that await several events. */
  public TopicRecorder recorder(String... topics) {
    return new TopicRecorder(consumer(topics));
  }

  /** Publishes one record and waits until the broker has it. */
  public void send(String topic, String key, String value, Map<String, String> headers) {
    try (var producer = producer()) {
      var record = new ProducerRecord<>(topic, key, value);
      headers.forEach(
          (k, v) ->
              record
                  .headers()
                  .add(new RecordHeader(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  /**
   * Reads from the topics until {@code count} records match, or fails after {@code timeout} with
   * what it saw.
   */
  public List<ConsumerRecord<String, String>> await(
      KafkaConsumer<String, String> consumer,
      Predicate<ConsumerRecord<String, String>> matching,
      int count,
      Duration timeout) {
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (found.size() < count && System.nanoTime() < deadline) {
      for (var record : consumer.poll(Duration.ofMillis(200))) {
        seen.add(record.topic() + ": " + record.value());
        if (matching.test(record)) {
          found.add(record);
        }
      }
    }
    if (found.size() < count) {
      throw new AssertionError(
          "expected "
              + count
              + " matching records within "
              + timeout
              + ", got "
              + found.size()
              + "; seen: "
              + seen);
    }
    return found;
  }
}
