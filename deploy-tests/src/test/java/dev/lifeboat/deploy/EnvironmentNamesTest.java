package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every environment variable that the Kubernetes overlays and docker-compose.yml give a service is
 * one that service reads: a {@code ${NAME}} in its configuration (its application.properties,
 * common's defaults, the targets' properties), a {@code @ConfigProperty} or a
 * {@code @ConfigMapping} member in its code or the shared modules' (Quarkus maps {@code
 * LIFEBOAT_BACKUP_MAX_CONCURRENT} to {@code lifeboat.backup.max-concurrent}), or JAVA_OPTS, which
 * the image's entrypoint reads. A misspelt name would otherwise be ignored silently and the default
 * used.
 */
class EnvironmentNamesTest {
  private static final List<String> SERVICES =
      List.of("backup-service", "restore-service", "health-service", "audit-service");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]");
  private static final Pattern CONFIG_PROPERTY =
      Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern CONFIG_MAPPING =
      Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");

  /** A variable read straight from the environment, outside the configuration (failpoints). */
  private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"([A-Z0-9_]+)\"\\)");

  @Test
  void kubernetesSetsOnlyVariablesTheServicesRead() {
    for (String overlay : List.of("k8s/overlays/dev", "k8s/overlays/production")) {
      List<JsonNode> rendered = Kustomize.build(overlay);
      String targets =
          KubernetesManifestsTest.ofKind(rendered, "ConfigMap").stream()
              .filter(c -> KubernetesManifestsTest.name(c).startsWith("lifeboat-targets"))
              .findFirst()
              .orElseThrow()
              .path("data")
              .path("application.properties")
              .asText();
      for (String service : SERVICES) {
        JsonNode container =
            KubernetesManifestsTest.podSpec(
                    KubernetesManifestsTest.find(rendered, "Deployment", service))
                .path("containers")
                .get(0);
        Set<String> names = new TreeSet<>();
        container.path("env").forEach(e -> names.add(e.path("name").asText()));
        for (JsonNode from : container.path("envFrom")) {
          String configMap = from.path("configMapRef").path("name").asText("");
          if (!configMap.isEmpty()) {
            KubernetesManifestsTest.ofKind(rendered, "ConfigMap").stream()
                .filter(c -> KubernetesManifestsTest.name(c).equals(configMap))
                .findFirst()
                .orElseThrow()
                .path("data")
                .fieldNames()
                .forEachRemaining(names::add);
          }
        }
        assertEquals(List.of(), unread(service, names, targets), overlay + " " + service);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeSetsOnlyVariablesTheServicesRead() {
    Map<String, Object> compose = new Yaml().load(Repo.read("docker-compose.yml"));
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    for (String service : SERVICES) {
      Map<String, Object> environment =
          (Map<String, Object>) ((Map<String, Object>) services.get(service)).get("environment");
      assertEquals(List.of(), unread(service, new TreeSet<>(environment.keySet()), ""), service);
    }
  }

  private static List<String> unread(String service, Set<String> names, String extraProperties) {
    Consumers consumers = Consumers.of(service, extraProperties);
    List<String> unread = new ArrayList<>();
    for (String name : names) {
      if (!consumers.reads(name)) {
        unread.add(name);
      }
    }
    return unread;
  }

  /** What one service reads from its environment. */
  private record Consumers(
      Set<String> expressions, Set<String> properties, Map<String, String> mappings) {

    static Consumers of(String service, String extraProperties) {
      Set<String> expressions = new TreeSet<>();
      StringBuilder config = new StringBuilder(extraProperties);
      config.append(Repo.read(service + "/src/main/resources/application.properties"));
      config.append(Repo.read("common/src/main/resources/META-INF/microprofile-config.properties"));
      Matcher expression = EXPRESSION.matcher(config);
      while (expression.find()) {
        expressions.add(expression.group(1));
      }
      Set<String> properties = new TreeSet<>();
      Map<String, String> mappings = new java.util.HashMap<>();
      for (String module : List.of(service, "common", "archive")) {
        for (Path file : javaSources(Repo.path(module + "/src/main/java"))) {
          String source = read(file);
          Matcher property = CONFIG_PROPERTY.matcher(source);
          while (property.find()) {
            properties.add(envForm(property.group(1)));
          }
          Matcher getenv = GETENV.matcher(source);
          while (getenv.find()) {
            expressions.add(getenv.group(1));
          }
          Matcher mapping = CONFIG_MAPPING.matcher(source);
          if (mapping.find()) {
            mappings.merge(envForm(mapping.group(1)) + "_", source, String::concat);
          }
        }
      }
      return new Consumers(expressions, properties, mappings);
    }

    boolean reads(String name) {
      if (name.equals("MALLOC_ARENA_MAX")) {
        // Read by glibc's malloc in the service's JVM; the image sets the same.
        return Repo.read("docker/Dockerfile." + serviceOfJavaOpts()).contains("MALLOC_ARENA_MAX=");
      }
      if (name.equals("JAVA_OPTS")) {
        return Repo.read("docker/Dockerfile." + serviceOfJavaOpts())
            .contains("exec java $JAVA_OPTS");
      }
      if (expressions.contains(name) || properties.contains(name)) {
        return true;
      }
      // A member of a @ConfigMapping: the rest of the name ends with one of its methods.
      for (var mapping : mappings.entrySet()) {
        if (name.startsWith(mapping.getKey())) {
          String[] rest = name.substring(mapping.getKey().length()).split("_");
          for (int i = 0; i < rest.length; i++) {
            if (mapping.getValue().contains(" " + camelCase(rest, i) + "()")) {
              return true;
            }
          }
        }
      }
      return false;
    }

    private static String serviceOfJavaOpts() {
      return "backup-service"; // every Dockerfile is generated alike; DockerComposeTest checks all
    }
  }

  private static String camelCase(String[] words, int from) {
    StringBuilder name = new StringBuilder(words[from].toLowerCase(Locale.ROOT));
    for (int i = from + 1; i < words.length; i++) {
      String word = words[i].toLowerCase(Locale.ROOT);
      name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return name.toString();
  }

  private static String envForm(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static List<Path> javaSources(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyDockerfileStartsJavaWithJavaOpts() {
    for (String service : SERVICES) {
      assertTrue(
          Repo.read("docker/Dockerfile." + service).contains("exec java $JAVA_OPTS -jar"), service);
    }
  }
}
