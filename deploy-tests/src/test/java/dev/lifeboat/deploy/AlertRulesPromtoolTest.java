package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules checked and unit-tested by Prometheus' own promtool (promtool-rules-test.yml:
 * each alert fires when it should and not before). promtool comes with Debian's prometheus package;
 * where it is not installed this test is skipped, and MonitoringTest still checks the rules' metric
 * names.
 */
class AlertRulesPromtoolTest {
  @Test
  void promtoolChecksAndUnitTestsTheRules(@TempDir Path dir) throws Exception {
    Path promtool = Kustomize.onPath("promtool").orElse(null);
    Assumptions.assumeTrue(
        promtool != null, "promtool is not installed (Debian: prometheus); rules not unit-tested");
    JsonNode spec = Repo.yaml("k8s/monitoring/prometheus-rules.yaml").path("spec").deepCopy();
    for (JsonNode group : spec.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ((ObjectNode) rule).remove("annotations");
      }
    }
    Repo.YAML.writeValue(dir.resolve("rules.yml").toFile(), spec);
    try (InputStream tests = getClass().getResourceAsStream("/promtool-rules-test.yml")) {
      Files.copy(tests, dir.resolve("rules-test.yml"));
    }
    assertEquals("", run(dir, promtool.toString(), "check", "rules", "rules.yml"));
    assertEquals("", run(dir, promtool.toString(), "test", "rules", "rules-test.yml"));
  }

  /** Runs the command; its output if it failed, else "". */
  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return "timed out: " + output;
    }
    return process.exitValue() == 0 ? "" : output;
  }
}
