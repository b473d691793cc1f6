package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options and process environment a service's image ships: the {@code ENV} of {@code
 * docker/Dockerfile.<service>}, which the Kubernetes Deployments repeat and bin/stack reads. The
 * benchmarks and the stack test run services with exactly these, so that a figure describes the
 * service as users run it.
 */
public final class ImageSettings {
  private static final Pattern JAVA_OPTS = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"");
  private static final Pattern MALLOC_ARENA_MAX = Pattern.compile("MALLOC_ARENA_MAX=(\\d+)");

  private ImageSettings() {}

  /** {@code JAVA_OPTS}, one option an element. */
  public static List<String> jvmOptions(Path repository, String service) {
    Matcher m = JAVA_OPTS.matcher(dockerfile(repository, service));
    if (!m.find()) {
      throw new IllegalStateException("docker/Dockerfile." + service + " sets no JAVA_OPTS");
    }
    return Arrays.stream(m.group(1).trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
  }

  /** The environment the image sets for the JVM's process ({@code MALLOC_ARENA_MAX}), if any. */
  public static Map<String, String> processEnvironment(Path repository, String service) {
    Matcher m = MALLOC_ARENA_MAX.matcher(dockerfile(repository, service));
    return m.find() ? Map.of("MALLOC_ARENA_MAX", m.group(1)) : Map.of();
  }

  private static String dockerfile(Path repository, String service) {
    Path file = repository.resolve("docker").resolve("Dockerfile." + service);
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
