package dev.lifeboat.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The services' HTTP APIs: JSON in and out, the bearer token on every request, and every failure
 * turned into a {@link CliException} with one line and the right exit code.
 */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http;
  private final Map<Service, URI> bases;
  private final Supplier<String> token;
  private final Duration requestTimeout;
  private final Duration slowRequestTimeout;

  /**
   * @param bases each service's base URL, e.g. {@code http://127.0.0.1:8081}
   * @param token asked for at the first request, so that commands needing none never fail for it
   * @param requestTimeout how long a request may take
   * @param slowRequestTimeout how long a request that does the work while it waits may take (a
   *     check of a large database, a restore plan counting its rows)
   */
  public ApiClient(
      Map<Service, String> bases,
      Supplier<String> token,
      Duration requestTimeout,
      Duration slowRequestTimeout) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.bases = new EnumMap<>(Service.class);
    bases.forEach((service, url) -> this.bases.put(service, base(service, url)));
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.slowRequestTimeout = slowRequestTimeout;
  }

  private static URI base(Service service, String url) {
    String trimmed = url.strip().replaceAll("/+$", "");
    try {
      URI uri = URI.create(trimmed);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // Reported below.
    }
    throw new CliException(
        ExitCodes.USAGE,
        service.displayName()
            + " URL '"
            + url
            + "' is not an http(s) URL (from "
            + service.option()
            + " or "
            + service.envVariable()
            + ")");
  }

  public URI url(Service service) {
    return bases.get(service);
  }

  public JsonNode get(Service service, String path) {
    return send(service, "GET", path, null, Map.of(), requestTimeout).body();
  }

  public ApiResponse post(Service service, String path, Object body) {
    return post(service, path, body, Map.of());
  }

  public ApiResponse post(
      Service service, String path, Object body, Map<String, String> extraHeaders) {
    return send(service, "POST", path, body, extraHeaders, requestTimeout);
  }

  /** A PUT without a body (e.g. setting a pin). */
  public ApiResponse put(Service service, String path) {
    return send(service, "PUT", path, null, Map.of(), requestTimeout);
  }

  /** A DELETE; a 204 answer has a missing node as its body. */
  public ApiResponse delete(Service service, String path) {
    return send(service, "DELETE", path, null, Map.of(), requestTimeout);
  }

  /** A POST whose answer comes when the work is done: it may take {@code slowRequestTimeout}. */
  public ApiResponse postSlow(Service service, String path, Object body) {
    return send(service, "POST", path, body, Map.of(), slowRequestTimeout);
  }

  /**
   * Opens a long-lived GET whose body is read line by line (Server-Sent Events): no request
   * timeout, only the connect timeout.
   */
  public Stream<String> lines(Service service, String path, Map<String, String> extraHeaders) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(service, path))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token.get())
            .GET();
    extraHeaders.forEach(request::header);
    HttpResponse<Stream<String>> response =
        exchange(service, request.build(), HttpResponse.BodyHandlers.ofLines(), null);
    if (response.statusCode() >= 400) {
      String body = String.join("\n", response.body().limit(200).toList());
      throw new ApiException(
          response.statusCode(), Problems.describe(response.statusCode(), parse(body), body));
    }
    return response.body();
  }

  private ApiResponse send(
      Service service,
      String method,
      String path,
      Object body,
      Map<String, String> extraHeaders,
      Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(service, path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Authorization", "Bearer " + token.get());
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(write(body)));
    }
    extraHeaders.forEach(request::header);
    HttpResponse<String> response =
        exchange(service, request.build(), HttpResponse.BodyHandlers.ofString(), timeout);
    String text = response.body();
    if (response.statusCode() >= 400) {
      throw new ApiException(
          response.statusCode(), Problems.describe(response.statusCode(), parse(text), text));
    }
    JsonNode json;
    if (text == null || text.isBlank()) {
      json = MissingNode.getInstance();
    } else {
      json = parse(text);
      if (json == null) {
        throw new CliException(
            ExitCodes.SERVICE_ERROR,
            service.displayName()
                + " answered "
                + method
                + " "
                + path
                + " with something not JSON");
      }
    }
    return new ApiResponse(response.statusCode(), json, response.headers());
  }

  private <T> HttpResponse<T> exchange(
      Service service, HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration timeout) {
    try {
      return http.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable(service, "connection timed out");
    } catch (HttpTimeoutException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          service.displayName()
              + " at "
              + bases.get(service)
              + " did not answer within "
              + (timeout == null ? "?" : timeout.toSeconds())
              + " s (--timeout)",
          e);
    } catch (ConnectException e) {
      throw unreachable(service, "connection refused");
    } catch (IOException e) {
      throw unreachable(service, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(130, "interrupted");
    }
  }

  private CliException unreachable(Service service, String why) {
    return new CliException(
        ExitCodes.UNREACHABLE,
        "cannot reach "
            + service.displayName()
            + " at "
            + bases.get(service)
            + " ("
            + why
            + "); is it running? Set "
            + service.envVariable()
            + " or "
            + service.option()
            + " to its URL");
  }

  private URI resolve(Service service, String path) {
    return URI.create(bases.get(service) + path);
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The JSON of an answer, or null when it is not JSON. */
  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
