package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outside the dev and test profiles there are no default credentials: a packaged service started
 * without the control database's (and object storage's) user and password stops at once, naming
 * each missing variable, instead of trying lifeboat/lifeboat and lifeboat/lifeboat-secret.
 */
class SafeDefaultsIT {

  @ParameterizedTest
  @ValueSource(strings = {"backup-service", "restore-service", "health-service", "audit-service"})
  void aServiceWithoutCredentialsRefusesToStartAndSaysWhichAreMissing(
      String service, @TempDir Path dir) throws Exception {
    Path jar = Repo.path(service + "/target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: the build packages it first");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-jar");
    command.add(jar.toString());
    Path log = dir.resolve(service + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("QUARKUS_"));
    builder.environment().put("QUARKUS_HTTP_PORT", "0");
    Process process = builder.start();
    boolean ended = process.waitFor(90, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(ended, service + " kept running without credentials:\n" + output);
    assertNotEquals(0, process.exitValue(), output);
    List<String> missing = new ArrayList<>(List.of("LIFEBOAT_PG_USER", "LIFEBOAT_PG_PASSWORD"));
    if (!service.equals("audit-service")) {
      missing.addAll(List.of("LIFEBOAT_S3_ACCESS_KEY", "LIFEBOAT_S3_SECRET_KEY"));
    }
    for (String variable : missing) {
      assertTrue(
          output.contains("Could not expand value " + variable + " in property"),
          service + " does not name " + variable + ":\n" + output);
    }
  }
}
