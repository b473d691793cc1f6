package dev.lifeboat.bench;

import dev.lifeboat.bench.lifeboat.ServiceLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmark runs with, from system properties. The defaults are the issue's: pgbench scale
 * 100, the full schema-heavy database, three runs of each method. Paths are relative to the working
 * directory, which is {@code bench/} when run through Maven.
 *
 * @param scale pgbench scale factor (100 is about 1.5 GB)
 * @param schemaFactor multiplies the schema-heavy database's rows (1 is a few hundred MB)
 * @param repetitions runs of each method on each dataset
 * @param serviceJvmOptions JVM options for backup-service after its image's, e.g. {@code -Xmx256m};
 *     none by default
 */
public record BenchSettings(
    int scale,
    double schemaFactor,
    int repetitions,
    List<String> serviceJvmOptions,
    Path repository,
    Path serviceJar,
    Path jwtPublicKey,
    Path workDir,
    Path resultsDir) {

  static BenchSettings fromSystemProperties() {
    Path base = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path repository = base.getParent();
    var settings =
        new BenchSettings(
            Integer.parseInt(System.getProperty("bench.scale", "100")),
            Double.parseDouble(System.getProperty("bench.schemaFactor", "1")),
            Integer.parseInt(System.getProperty("bench.repetitions", "3")),
            ServiceLaunch.parse(System.getProperty("bench.serviceJvmOptions")),
            repository,
            repository.resolve("backup-service/target/quarkus-app/quarkus-run.jar"),
            repository.resolve(
                "test-support/src/main/resources/dev/lifeboat/testsupport/jwt/publicKey.pem"),
            base.resolve("target/bench"),
            base.resolve("results"));
    settings.check();
    return settings;
  }

  private void check() {
    if (scale < 1 || schemaFactor <= 0 || repetitions < 1) {
      throw new IllegalArgumentException(
          "bench.scale and bench.repetitions must be at least 1 and bench.schemaFactor positive");
    }
    if (!Files.isRegularFile(serviceJar)) {
      throw new IllegalStateException(
          serviceJar
              + " is missing: build backup-service first"
              + " (./mvnw -q install -DskipTests -pl backup-service -am)");
    }
    if (!Files.isRegularFile(jwtPublicKey)) {
      throw new IllegalStateException(
          jwtPublicKey + " is missing: run the benchmark from the bench/ directory");
    }
  }

  /** Below the parameters the figures describe nothing; the report says so. */
  public boolean smokeRun() {
    return scale < 100 || schemaFactor < 1 || repetitions < 3;
  }
}
