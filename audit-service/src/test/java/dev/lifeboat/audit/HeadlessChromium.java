package dev.lifeboat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.testsupport.Ports;
import dev.lifeboat.testsupport.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's Chromium, headless, driven over the W3C WebDriver protocol by Debian's chromedriver: a
 * few HTTP calls, so no WebDriver library (and nothing it might download) is needed. The browser
 * gets a fresh profile and no network access beyond what the page asks for.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Process driver;
  private final String base;
  private final Path profile;
  private String session;

  HeadlessChromium() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "the dashboard test needs the Debian packages chromium and chromium-driver"
              + " (/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them");
    }
    int port = Ports.free();
    Path logs = TestServers.baseDir();
    Files.createDirectories(logs);
    profile = Files.createTempDirectory("lifeboat-chromium-");
    driver =
        new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(logs.resolve("chromedriver.log").toFile()))
            .start();
    base = "http://127.0.0.1:" + port;
    awaitDriver();
    ObjectNode options = json.createObjectNode();
    options.put("binary", CHROMIUM.toString());
    var args = options.putArray("args");
    for (String arg :
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
            "--user-data-dir=" + profile)) {
      args.add(arg);
    }
    ObjectNode capabilities = json.createObjectNode();
    ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    always.set("goog:chromeOptions", options);
    session = call("POST", "/session", capabilities).path("sessionId").asText();
  }

  private void awaitDriver() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(100);
    }
    throw new IllegalStateException("chromedriver did not start; see chromedriver.log");
  }

  void open(String url) {
    ObjectNode body = json.createObjectNode().put("url", url);
    call("POST", "/session/" + session + "/url", body);
  }

  /** Saves what the page looks like, for whoever reads a failed run. */
  void screenshot(Path png) throws IOException {
    String base64 = call("GET", "/session/" + session + "/screenshot", null).asText();
    Files.write(png, java.util.Base64.getDecoder().decode(base64));
  }

  /** Runs JavaScript in the page and returns what it returns. */
  JsonNode script(String script) {
    ObjectNode body = json.createObjectNode().put("script", script);
    body.putArray("args");
    return call("POST", "/session/" + session + "/execute/sync", body);
  }

  /** Polls the script until its result passes, failing with the last result after the timeout. */
  JsonNode await(String script, Predicate<JsonNode> until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = script(script);
      if (until.test(last)) {
        return last;
      }
      sleep(200);
    }
    throw new AssertionError(
        "the page did not get there within "
            + timeout
            + "; last: "
            + last
            + "; page: "
            + script("return document.body.innerText"));
  }

  private JsonNode call(String method, String path, JsonNode body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/json");
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
      var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode value = json.readTree(response.body()).path("value");
      if (response.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + ": " + response.body());
      }
      return value;
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } finally {
      driver.destroy();
      try {
        if (!driver.waitFor(10, TimeUnit.SECONDS)) {
          driver.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        driver.destroyForcibly();
      }
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
