package dev.lifeboat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks a service's {@code /q/health/ready} every {@code interval} while a test does something hard
 * to it, and keeps every answer that was not 200: a service that stops being ready for a moment, or
 * stops answering, shows.
 */
public final class ReadinessWatch implements AutoCloseable {
  private final Thread poller;
  private final List<String> failures = new ArrayList<>();
  private volatile boolean running = true;
  private int polls;

  public ReadinessWatch(String serviceUrl, Duration interval) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(serviceUrl + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    poller =
        new Thread(
            () -> {
              while (running) {
                String failure = null;
                try {
                  var response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() != 200) {
                    failure = response.statusCode() + " " + response.body();
                  }
                } catch (IOException e) {
                  failure = e.toString();
                } catch (InterruptedException e) {
                  return;
                }
                synchronized (failures) {
                  polls++;
                  if (failure != null) {
                    failures.add(failure);
                  }
                }
                try {
                  Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "readiness-watch");
    poller.setDaemon(true);
    poller.start();
  }

  /** The answers that were not 200, in order. */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** How many times it asked. */
  public int polls() {
    synchronized (failures) {
      return polls;
    }
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
    try {
      poller.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
