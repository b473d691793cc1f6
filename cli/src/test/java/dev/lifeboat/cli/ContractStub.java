package dev.lifeboat.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server answering with canned bodies, for unit tests of how the CLI renders answers of the
 * contract (and errors) without the services. The ITs run the CLI against the real services.
 */
public final class ContractStub implements AutoCloseable {
  /** A canned answer, sent after {@code delayMillis}. */
  public record Answer(
      int status, String contentType, String body, Map<String, String> headers, long delayMillis) {
    public Answer(int status, String contentType, String body, Map<String, String> headers) {
      this(status, contentType, body, headers, 0);
    }

    public Answer delayed(long millis) {
      return new Answer(status, contentType, body, headers, millis);
    }

    public static Answer json(int status, String body) {
      return new Answer(status, "application/json", body, Map.of());
    }

    public static Answer problem(int status, String body) {
      return new Answer(status, "application/problem+json", body, Map.of());
    }
  }

  /** A request the stub received. */
  public record Request(
      String method, String uri, String body, Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public ContractStub() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code METHOD /path?query} (the query as sent, or left out to match any query). */
  public ContractStub on(String methodAndPath, Answer answer) {
    return on(methodAndPath, List.of(answer));
  }

  /** Answers with each in turn, then with the last one for good (a backup that runs, then ends). */
  public ContractStub on(String methodAndPath, List<Answer> inTurn) {
    answers.put(methodAndPath, new ConcurrentLinkedDeque<>(inTurn));
    return this;
  }

  private Answer next(String key) {
    Deque<Answer> queue = answers.get(key);
    if (queue == null) {
      return null;
    }
    synchronized (queue) {
      return queue.size() > 1 ? queue.pollFirst() : queue.peekFirst();
    }
  }

  public List<Request> requests() {
    return requests;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    String uri = exchange.getRequestURI().toString();
    requests.add(new Request(method, uri, body, Map.copyOf(exchange.getRequestHeaders())));
    Answer answer = next(method + " " + uri);
    if (answer == null) {
      answer = next(method + " " + exchange.getRequestURI().getPath());
    }
    if (answer == null) {
      answer =
          Answer.problem(
              404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"stub: no " + uri + "\"}");
    }
    if (answer.delayMillis() > 0) {
      try {
        Thread.sleep(answer.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
