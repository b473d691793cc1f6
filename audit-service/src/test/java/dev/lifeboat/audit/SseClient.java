package dev.lifeboat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A minimal Server-Sent Events client over java.net.http, as a dashboard or CLI would use. */
final class SseClient implements AutoCloseable {
  /** One SSE event: its id (the auditseq) and its data. */
  record Event(long id, JsonNode data) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final int status;
  private volatile Stream<String> lines;

  private SseClient(HttpResponse<Stream<String>> response) {
    this.status = response.statusCode();
    this.lines = response.body();
    this.reader =
        new Thread(
            () -> {
              long id = -1;
              StringBuilder data = new StringBuilder();
              try {
                for (String line : (Iterable<String>) lines::iterator) {
                  if (line.isEmpty()) {
                    if (data.length() > 0) {
                      events.add(new Event(id, JSON.readTree(data.toString())));
                    }
                    data.setLength(0);
                  } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).strip());
                  } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                  }
                }
              } catch (Exception e) {
                // Closed.
              }
            },
            "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  static SseClient open(String url, String authorization, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      return new SseClient(
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot open " + url, e);
    }
  }

  int status() {
    return status;
  }

  /** The next {@code count} events, failing if they do not all come within the timeout. */
  List<Event> take(int count, Duration timeout) {
    List<Event> taken = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (taken.size() < count) {
      long left = deadline - System.nanoTime();
      Event next;
      try {
        next = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (next == null) {
        throw new AssertionError(
            "expected "
                + count
                + " events within "
                + timeout
                + ", got "
                + taken.size()
                + ": "
                + taken);
      }
      taken.add(next);
    }
    return taken;
  }

  /** Events that arrive within the time, expecting none. */
  List<Event> quiet(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Event> extra = new ArrayList<>();
    events.drainTo(extra);
    return extra;
  }

  @Override
  public void close() {
    lines.close();
    reader.interrupt();
  }
}
