package dev.lifeboat.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every command works with: where it reads and writes ({@link Io}), the client for the
 * services (URLs and token from the global options and the environment), {@code --json}, and the
 * habits of following long work. Commands receive it; the root command only registers them.
 */
public final class Session {
  /** The global options as the command line gave them (null when not given). */
  public interface Options {
    String url(Service service);

    String token();

    Path tokenFile();

    boolean json();

    Integer timeoutSeconds();
  }

  private final Io io;
  private final Options options;
  private ApiClient api;

  public Session(Io io, Options options) {
    this.io = io;
    this.options = options;
  }

  public Io io() {
    return io;
  }

  public boolean json() {
    return options.json();
  }

  /** The client for the services, with the URLs and token from options and environment. */
  public ApiClient api() {
    if (api == null) {
      Map<Service, String> urls = new EnumMap<>(Service.class);
      for (Service service : Service.values()) {
        urls.put(service, url(service, options.url(service)));
      }
      Integer timeout = options.timeoutSeconds();
      if (timeout != null && timeout < 1) {
        throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second");
      }
      api =
          new ApiClient(
              urls,
              this::token,
              Duration.ofSeconds(timeout == null ? 30 : timeout),
              Duration.ofSeconds(timeout == null ? 900 : timeout));
    }
    return api;
  }

  private String url(Service service, String option) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String env = io.env(service.envVariable());
    return env != null ? env : service.defaultUrl();
  }

  /** The token: --token, --token-file, LIFEBOAT_TOKEN, LIFEBOAT_TOKEN_FILE, in that order. */
  String token() {
    String token = options.token();
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    if (options.tokenFile() != null) {
      return readToken(options.tokenFile(), "--token-file");
    }
    String env = io.env("LIFEBOAT_TOKEN");
    if (env != null) {
      return env.strip();
    }
    String file = io.env("LIFEBOAT_TOKEN_FILE");
    if (file != null) {
      return readToken(Path.of(file), "LIFEBOAT_TOKEN_FILE");
    }
    throw new CliException(
        ExitCodes.AUTH,
        "no token: set LIFEBOAT_TOKEN, or pass --token or --token-file (local stack:"
            + " export LIFEBOAT_TOKEN=$(bin/stack token --role lifeboat-responder))");
  }

  private static String readToken(Path file, String from) {
    try {
      String value = Files.readString(file).strip();
      if (value.isEmpty()) {
        throw new CliException(
            ExitCodes.AUTH, "the token file " + file + " (" + from + ") is empty");
      }
      return value;
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.AUTH, "cannot read the token file " + file + " (" + from + "): " + e);
    }
  }

  /** Prints JSON on stdout, indented, for {@code --json}. */
  public void printJson(JsonNode node) {
    try {
      io.out()
          .println(
              ApiClient.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code follow} (a loop that watches an operation until it ends); should the user stop the
   * CLI with Ctrl-C meanwhile, says that the operation goes on and how to look at it again.
   */
  public <T> T following(String stillRunning, Supplier<T> follow) {
    Thread hint =
        new Thread(() -> io.err().println("\n(" + stillRunning + ")"), "lifeboat-ctrl-c-hint");
    boolean added = false;
    try {
      Runtime.getRuntime().addShutdownHook(hint);
      added = true;
    } catch (IllegalStateException | SecurityException e) {
      // Shutting down already, or not allowed: no hint then.
    }
    try {
      return follow.get();
    } finally {
      if (added) {
        try {
          Runtime.getRuntime().removeShutdownHook(hint);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hint runs.
        }
      }
    }
  }

  /** Waits between two polls of a running operation. */
  public static void pause(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(130, "interrupted");
    }
  }
}
