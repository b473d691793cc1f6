package dev.lifeboat.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads topics from their beginning and keeps every record it has seen, so that a test can wait for
 * events in any order: one it waits for later may have arrived first.
 */
public final class TopicRecorder implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

  TopicRecorder(KafkaConsumer<String, String> consumer) {
    this.consumer = consumer;
  }

  /** Waits until {@code count} records match, and returns them in the order they came. */
  public List<ConsumerRecord<String, String>> await(
      Predicate<ConsumerRecord<String, String>> matching, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ConsumerRecord<String, String>> found = seen.stream().filter(matching).toList();
      if (found.size() >= count) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected "
                + count
                + " matching records within "
                + timeout
                + ", got "
                + found.size()
                + "; seen "
                + seen.size()
                + " records: "
                + seen.stream().map(ConsumerRecord::value).toList());
      }
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /** Everything seen so far that matches, after reading what has arrived meanwhile. */
  public List<ConsumerRecord<String, String>> matching(
      Predicate<ConsumerRecord<String, String>> matching) {
    consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
    return seen.stream().filter(matching).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
