package dev.lifeboat.bench.lifeboat;

import dev.lifeboat.testsupport.ImageSettings;
import dev.lifeboat.testsupport.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How a benchmark starts a Lifeboat service: with the JVM options and process environment its image
 * ships ({@code docker/Dockerfile.<service>}, read by test-support's {@link ImageSettings}), so
 * that a figure describes the service as users run it, then the run's own additions (a heap size to
 * try, a profiler agent). The additions come after the image's options on the command line: where
 * both set the same option, the JVM takes the addition.
 *
 * @param service the service's module and image name, e.g. {@code backup-service}
 * @param imageJvmOptions the image's {@code JAVA_OPTS}
 * @param addedJvmOptions the run's additions; empty for none
 * @param environment the image's environment for the JVM's process, e.g. {@code MALLOC_ARENA_MAX}
 */
public record ServiceLaunch(
    String service,
    List<String> imageJvmOptions,
    List<String> addedJvmOptions,
    Map<String, String> environment) {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  /** {@code service} as its image runs it, with {@code added} after the image's JVM options. */
  public static ServiceLaunch asImage(Path repository, String service, List<String> added) {
    return new ServiceLaunch(
        service,
        ImageSettings.jvmOptions(repository, service),
        List.copyOf(added),
        ImageSettings.processEnvironment(repository, service));
  }

  /**
   * JVM options written as one string ({@code -Dbench.serviceJvmOptions}, {@code
   * BENCH_AUDIT_JVM_OPTIONS}), split at white space; none for {@code null} or blank.
   */
  public static List<String> parse(String options) {
    if (options == null) {
      return List.of();
    }
    return Arrays.stream(options.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
  }

  /** The JVM's options: the image's, then the additions. */
  public List<String> jvmOptions() {
    return Stream.concat(imageJvmOptions.stream(), addedJvmOptions.stream()).toList();
  }

  /**
   * The command line, and where its parts come from, for a report: {@code `MALLOC_ARENA_MAX=2 java
   * … -jar backup-service/target/quarkus-app/quarkus-run.jar` (the JVM options and environment of
   * `docker/Dockerfile.backup-service`)}.
   */
  public String describe() {
    StringBuilder command = new StringBuilder();
    new TreeMap<>(environment)
        .forEach((name, value) -> command.append(name).append('=').append(value).append(' '));
    command.append("java ");
    jvmOptions().forEach(option -> command.append(option).append(' '));
    command.append("-jar ").append(service).append("/target/quarkus-app/quarkus-run.jar");
    return "`"
        + command
        + "` (the JVM options"
        + (environment.isEmpty() ? "" : " and environment")
        + " of `docker/Dockerfile."
        + service
        + "`"
        + (addedJvmOptions.isEmpty()
            ? ""
            : ", then `"
                + String.join(" ", addedJvmOptions)
                + "` added for this run, which win where they set the same option")
        + ")";
  }

  /**
   * Starts {@code jar} through test-support's {@link ServiceProcess} with these JVM options and the
   * image's environment on top of {@code env}, waits until it is ready, and adds how its start went
   * to {@code startups}.
   */
  public ServiceProcess start(
      Path jar,
      Map<String, String> env,
      Map<String, String> properties,
      Path log,
      List<Startup> startups) {
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.putAll(environment);
    long started = System.nanoTime();
    ServiceProcess process =
        ServiceProcess.start(jar, jvmOptions(), processEnv, properties, log)
            .awaitReady(READY_TIMEOUT);
    startups.add(Startup.measure(this, started, process.pid()));
    return process;
  }
}
