package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with the real kustomize: the standalone {@code kustomize} where it is
 * installed, else the one built into {@code kubectl} ({@code kubectl kustomize}).
 */
final class Kustomize {
  private Kustomize() {}

  static List<JsonNode> build(String relativeDir) {
    Path dir = Repo.path(relativeDir);
    List<String> command =
        onPath("kustomize")
            .map(k -> List.of(k.toString(), "build", dir.toString()))
            .or(
                () ->
                    onPath("kubectl").map(k -> List.of(k.toString(), "kustomize", dir.toString())))
            .orElseGet(
                () ->
                    fail(
                        "neither kustomize nor kubectl is on the PATH: install kubectl (it"
                            + " includes kustomize) to render k8s/"));
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("kustomize did not finish rendering " + relativeDir + " in 120 s");
        }
        if (process.exitValue() != 0) {
          fail(
              String.join(" ", command)
                  + " failed: "
                  + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Repo.yamlDocuments(Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
