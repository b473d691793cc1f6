package dev.lifeboat.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What a broken or hostile producer may put on a command topic: broken JSON, binary garbage, 10 MB
 * records, JSON nested 100 000 levels deep, attributes and fields of the wrong kind, unknown types,
 * missing ids, binary-mode {@code ce_} headers with garbage, empty records and tombstones. None of
 * them is a valid command of the topic, whatever the service: each must be rejected.
 *
 * <p>The messages are made one at a time from their index, the same on every run, so that a flood
 * of ten thousand of them never sits in memory at once.
 */
public final class HostileMessages {
  /** The size of the few huge records: ten times the broker's default record limit. */
  public static final int HUGE_BYTES = 10 * 1024 * 1024;

  /** What the flood's topic accepts, so that the huge records reach the service. */
  public static final int TOPIC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final int KINDS = 10;
  private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, 0x00, 0x1b};

  /** One record: what kind of hostile it is, its key, value (null: a tombstone) and headers. */
  public record Hostile(String kind, byte[] key, byte[] value, List<Header> headers) {}

  private final String type;
  private final String database;
  private final String data;
  private final int huge;

  /**
   * @param type the one type the topic carries, e.g. {@code dev.lifeboat.backup.requested}
   * @param database a database the service is configured for
   * @param data a valid {@code data} object of that type for that database, as JSON, which the
   *     messages break in every other way
   * @param huge how many of the messages (the first ones) are {@link #HUGE_BYTES} long
   */
  public HostileMessages(String type, String database, String data, int huge) {
    this.type = type;
    this.database = database;
    this.data = data;
    this.huge = huge;
  }

  /** The {@code i}-th hostile message. */
  public Hostile get(int i) {
    Random random = new Random(i);
    String id = "hostile-" + i;
    if (i < huge) {
      return switch (i % 4) {
        case 0 -> structured("huge-json", i, envelope(id, type, database, bigData()));
        case 1 -> new Hostile("huge-garbage", key(i), garbage(random, HUGE_BYTES), List.of());
        case 2 ->
            new Hostile("huge-nesting", key(i), "[".repeat(HUGE_BYTES).getBytes(UTF_8), List.of());
        default ->
            // A small broken value under a key and a header of 5 MB each.
            new Hostile(
                "huge-key-and-header",
                "k".repeat(HUGE_BYTES / 2).getBytes(UTF_8),
                brokenJson(id, 0).getBytes(UTF_8),
                List.of(new RecordHeader("x-padding", garbage(random, HUGE_BYTES / 2))));
      };
    }
    int variant = (i / KINDS) % 8;
    return switch (i % KINDS) {
      case 0 -> structured("broken-json", i, brokenJson(id, variant));
      case 1 ->
          new Hostile(
              "binary-garbage", key(i), garbage(random, 1 + random.nextInt(4096)), List.of());
      case 2 -> structured("deep-nesting", i, deepNesting(id, i, variant));
      case 3 -> structured("wrong-types", i, wrongTypes(id, variant));
      case 4 -> structured("unknown-type", i, unknownType(id, i, variant));
      case 5 -> structured("missing-id", i, missingId(variant));
      case 6 -> binaryMode(i, variant, random);
      case 7 -> structured("invalid-values", i, invalidValues(id, variant));
      case 8 -> emptyOrTombstone(i, variant);
      default ->
          new Hostile(
              "hostile-key",
              hostileKey(i, variant),
              brokenJson(id, variant).getBytes(UTF_8),
              variant % 2 == 0 ? forgedDeadLetterHeaders() : List.of());
    };
  }

  private Hostile structured(String kind, int i, String json) {
    return new Hostile(kind, key(i), json.getBytes(UTF_8), List.of());
  }

  private byte[] key(int i) {
    return (i % 7 == 0 ? "nosuchdb" : database).getBytes(UTF_8);
  }

  private static String envelope(String id, String type, String subject, String data) {
    return """
        {"specversion":"1.0","id":"%s","source":"/hostile","type":"%s","subject":"%s",\
        "datacontenttype":"application/json","data":%s}"""
        .formatted(id, type, subject, data);
  }

  private String bigData() {
    // A well-formed command but for its size: a text field of 10 MB.
    return data.substring(0, data.length() - 1)
        + ",\"padding\":\""
        + "x".repeat(HUGE_BYTES)
        + "\"}";
  }

  private static byte[] garbage(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    if (length > 0) {
      bytes[0] = (byte) 0xff; // never by chance a valid JSON start
    }
    return bytes;
  }

  private String brokenJson(String id, int variant) {
    String valid = envelope(id, type, database, data);
    return switch (variant) {
      case 0 -> valid.substring(0, valid.length() / 2);
      case 1 -> valid + "}";
      case 2 -> valid.replace("\":", "\"=");
      case 3 -> "{\"specversion\":\"1.0\",\"id\":\"" + id + "\", oops";
      case 4 -> valid.replace("{\"specversion\"", "{'specversion'");
      case 5 -> valid + " " + valid;
      case 6 -> valid.replace("\"1.0\"", "\"1.0\",\"specversion\":\"1.0\""); // duplicate key
      default -> "\u0000\u0001" + valid;
    };
  }

  private String deepNesting(String id, int i, int variant) {
    // Every hundredth as deep as the brief's worst case; the rest deep enough to break limits.
    int depth = i % 100 == 2 ? 100_000 : 1_000;
    return switch (variant % 3) {
      case 0 -> "[".repeat(depth) + "]".repeat(depth);
      case 1 -> "[".repeat(depth);
      default ->
          envelope(
              id,
              type,
              database,
              data.substring(0, data.length() - 1)
                  + ",\"nested\":"
                  + "{\"a\":".repeat(depth)
                  + "1"
                  + "}".repeat(depth)
                  + "}");
    };
  }

  private String wrongTypes(String id, int variant) {
    String valid = envelope(id, type, database, data);
    return switch (variant) {
      case 0 -> valid.replace("\"id\":\"" + id + "\"", "\"id\":42");
      case 1 -> valid.replace("\"specversion\":\"1.0\"", "\"specversion\":1.0");
      case 2 -> envelope(id, type, database, "\"not an object\"");
      case 3 -> envelope(id, type, database, data.replace("\"" + database + "\"", "42"));
      case 4 -> envelope(id, type, database, "[" + data + "]");
      case 5 -> valid.replace("\"subject\":\"" + database + "\"", "\"subject\":{}");
      case 6 -> "[" + valid + "]";
      default -> "\"" + id + "\"";
    };
  }

  private String unknownType(String id, int i, int variant) {
    return switch (variant % 4) {
      case 0 -> envelope(id, "dev.lifeboat.evil." + i, database, data);
      case 1 -> envelope(id, "dev.lifeboat.backup.completed", database, data);
      case 2 ->
          envelope(
              id,
              type.equals("dev.lifeboat.backup.requested")
                  ? "dev.lifeboat.restore.confirmed"
                  : "dev.lifeboat.backup.requested",
              database,
              data);
      default -> envelope(id, "x".repeat(5_000), database, data);
    };
  }

  private String missingId(int variant) {
    String valid = envelope("@", type, database, data);
    return switch (variant % 5) {
      case 0 -> valid.replace("\"id\":\"@\",", "");
      case 1 -> valid.replace("\"id\":\"@\"", "\"id\":\"\"");
      case 2 -> valid.replace("\"id\":\"@\"", "\"id\":\"   \"");
      case 3 -> valid.replace("\"id\":\"@\"", "\"id\":null");
      default -> valid.replace("\"@\"", "\"" + "i".repeat(300) + "\"");
    };
  }

  private String invalidValues(String id, int variant) {
    String valid = envelope(id, type, database, data);
    return switch (variant) {
      case 0 ->
          envelope(id, type, "nosuchdb", data.replace("\"" + database + "\"", "\"nosuchdb\""));
      case 1 -> envelope(id, type, database, data.replace("\"" + database + "\"", "\"Bad Name!\""));
      case 2 -> valid.replace("\"source\":\"/hostile\",", "");
      case 3 ->
          valid.replace(
              "\"datacontenttype\":\"application/json\"", "\"datacontenttype\":\"text/xml\"");
      case 4 ->
          valid.replace(
              "\"source\":\"/hostile\",", "\"source\":\"/hostile\",\"time\":\"yesterday\",");
      case 5 -> valid.replace("\"data\":" + data, "\"data_base64\":\"AAAA\"");
      case 6 -> valid.replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"");
      default -> envelope(id, type, "other", data);
    };
  }

  /**
   * Binary mode: each variant has one fatal fault (a bad specversion, no id, an id that is not
   * UTF-8 over a value that is not JSON, a type of random bytes, a subject that is a path, a time
   * that is not one, a text content type, a value of random bytes), plus a header of garbage.
   */
  private Hostile binaryMode(int i, int variant, Random random) {
    List<Header> headers = new ArrayList<>();
    headers.add(header("ce_specversion", variant == 0 ? "0.3" : "1.0"));
    if (variant != 1) {
      headers.add(
          new RecordHeader("ce_id", variant == 2 ? NOT_UTF8 : ("hostile-" + i).getBytes(UTF_8)));
    }
    headers.add(header("ce_source", "/hostile"));
    headers.add(
        variant == 3 ? new RecordHeader("ce_type", garbage(random, 64)) : header("ce_type", type));
    headers.add(header("ce_subject", variant == 4 ? "../../etc/passwd\n" : database));
    if (variant == 5) {
      headers.add(header("ce_time", "not a time"));
    }
    headers.add(header("content-type", variant == 6 ? "text/plain" : "application/json"));
    headers.add(new RecordHeader("ce_garbage", garbage(random, 100)));
    byte[] value = variant == 2 || variant == 7 ? garbage(random, 512) : data.getBytes(UTF_8);
    return new Hostile("binary-mode", key(i), value, headers);
  }

  private Hostile emptyOrTombstone(int i, int variant) {
    return variant % 2 == 0
        ? new Hostile("tombstone", key(i), null, List.of())
        : new Hostile("empty", key(i), new byte[0], List.of());
  }

  private static byte[] hostileKey(int i, int variant) {
    return switch (variant % 3) {
      case 0 -> null;
      case 1 -> NOT_UTF8;
      default -> ("k".repeat(1000) + i).getBytes(UTF_8);
    };
  }

  /** Headers that claim the record is already a dead letter of another one. */
  private static List<Header> forgedDeadLetterHeaders() {
    return List.of(
        header("dead-letter-reason", "forged"),
        header("dead-letter-topic", "lifeboat.backup.requests"),
        header("dead-letter-partition", "0"),
        header("dead-letter-offset", "0"));
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(UTF_8));
  }

  // --- On the broker -----------------------------------------------------------------------------

  /**
   * Creates the topic (one partition) with room for the huge records, or gives an existing one that
   * room.
   */
  public static void createTopic(KafkaEndpoint kafka, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    String limit = String.valueOf(TOPIC_MAX_MESSAGE_BYTES);
    try (Admin admin = Admin.create(props)) {
      if (admin.listTopics().names().get().contains(topic)) {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin
            .incrementalAlterConfigs(
                Map.of(
                    resource,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("max.message.bytes", limit),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get();
      } else {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", limit))))
            .all()
            .get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot make room in " + topic, e);
    }
  }

  /**
   * Publishes messages {@code 0..count-1} in batches and waits until the broker has them all.
   *
   * @return the offset of each, in the order of their index
   */
  public List<Long> flood(KafkaEndpoint kafka, String topic, int count) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(TOPIC_MAX_MESSAGE_BYTES));
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(4L * TOPIC_MAX_MESSAGE_BYTES));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<Future<RecordMetadata>> sent = new ArrayList<>(count);
    try (var producer = new KafkaProducer<byte[], byte[]>(props)) {
      for (int i = 0; i < count; i++) {
        Hostile h = get(i);
        sent.add(producer.send(new ProducerRecord<>(topic, null, h.key(), h.value(), h.headers())));
      }
      producer.flush();
      List<Long> offsets = new ArrayList<>(count);
      for (var f : sent) {
        offsets.add(f.get().offset());
      }
      return offsets;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not publish the flood to " + topic, e);
    }
  }

  /** A dead letter as the test needs it: the original's position and what the DLQ says of it. */
  public record DeadLetter(
      long offset, String reason, int valueBytes, Map<String, String> deadLetterHeaders) {}

  /**
   * Reads the dead-letter topic until each of the {@code offsets} of {@code topic} has its dead
   * letter, and returns them (with any other of {@code topic} seen meanwhile) by original offset.
   */
  public static Map<Long, DeadLetter> awaitDeadLetters(
      KafkaEndpoint kafka,
      String deadLetterTopic,
      String topic,
      Collection<Long> offsets,
      Duration timeout) {
    Map<Long, DeadLetter> found = new HashMap<>();
    try (var consumer = bytesConsumer(kafka, deadLetterTopic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!found.keySet().containsAll(offsets) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Map<String, String> headers = new HashMap<>();
          for (Header h : r.headers()) {
            if (h.key().startsWith("dead-letter-") && h.value() != null) {
              headers.put(h.key(), new String(h.value(), UTF_8));
            }
          }
          if (topic.equals(headers.get("dead-letter-topic"))) {
            long offset = Long.parseLong(headers.get("dead-letter-offset"));
            found.put(
                offset,
                new DeadLetter(
                    offset,
                    headers.get("dead-letter-reason"),
                    r.value() == null ? -1 : r.value().length,
                    headers));
          }
        }
      }
    }
    if (!found.keySet().containsAll(offsets)) {
      throw new AssertionError(
          "expected "
              + offsets.size()
              + " dead letters of "
              + topic
              + " within "
              + timeout
              + ", got "
              + offsets.stream().filter(found::containsKey).count());
    }
    return found;
  }

  /**
   * Reads the events topic until each of the {@code offsets} of {@code topic} has its {@code
   * command.rejected} event, and returns them (as the JSON Lifeboat wrote, with any other of {@code
   * topic} seen meanwhile) by the rejected record's offset.
   */
  public static Map<Long, String> awaitRejections(
      KafkaEndpoint kafka,
      String eventsTopic,
      String topic,
      Collection<Long> offsets,
      Duration timeout) {
    Pattern offset =
        Pattern.compile(
            "\"topic\":\"" + Pattern.quote(topic) + "\",\"partition\":\\d+,\"offset\":(\\d+)");
    Map<Long, String> found = new HashMap<>();
    try (var consumer = bytesConsumer(kafka, eventsTopic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!found.keySet().containsAll(offsets) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String event = r.value() == null ? "" : new String(r.value(), UTF_8);
          if (event.contains("\"type\":\"dev.lifeboat.command.rejected\"")) {
            Matcher m = offset.matcher(event);
            if (m.find()) {
              found.put(Long.parseLong(m.group(1)), event);
            }
          }
        }
      }
    }
    if (!found.keySet().containsAll(offsets)) {
      throw new AssertionError(
          "expected "
              + offsets.size()
              + " rejections of "
              + topic
              + " within "
              + timeout
              + ", got "
              + offsets.stream().filter(found::containsKey).count());
    }
    return found;
  }

  private static KafkaConsumer<byte[], byte[]> bytesConsumer(KafkaEndpoint kafka, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    var consumer = new KafkaConsumer<byte[], byte[]>(props);
    consumer.subscribe(List.of(topic));
    return consumer;
  }
}
