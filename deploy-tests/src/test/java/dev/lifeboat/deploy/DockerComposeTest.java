package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where the tests run, so docker-compose.yml and the Dockerfiles are checked
 * as files: the compose file references Dockerfiles that exist and build the right service,
 * publishes the contract's ports, has health checks and named volumes; each image is multi-stage,
 * built from source with the Maven wrapper and runs as a non-root user.
 */
class DockerComposeTest {
  private static final Map<String, Integer> SERVICES =
      Map.of(
          "backup-service", 8081,
          "restore-service", 8082,
          "health-service", 8083,
          "audit-service", 8084);

  /** Contract ("Commands"): the local defaults every client of the stack relies on. */
  private static final Map<String, Integer> SERVERS =
      Map.of("postgres", 55432, "kafka", 9092, "minio", 9000);

  private static final Set<String> RUN_PG_TOOLS =
      Set.of("backup-service", "restore-service", "health-service");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> compose() {
    return (Map<String, Object>) new Yaml().load(Repo.read("docker-compose.yml"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    Map<String, Object> service = (Map<String, Object>) services.get(name);
    assertNotNull(service, "docker-compose.yml has no service " + name);
    return service;
  }

  @Test
  void servicesAreBuiltFromTheirOwnDockerfile() {
    for (String name : SERVICES.keySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> build = (Map<String, Object>) service(name).get("build");
      assertEquals(".", build.get("context"), name + ": the build needs the whole checkout");
      String dockerfile = (String) build.get("dockerfile");
      assertTrue(Files.isRegularFile(Repo.path(dockerfile)), name + ": no " + dockerfile);
      assertTrue(
          Repo.read(dockerfile).contains("-pl " + name + " "),
          dockerfile + " does not build " + name);
    }
  }

  @Test
  void everyImageIsMultiStageFromSourceAndRunsAsANonRootUser() {
    for (var entry : SERVICES.entrySet()) {
      String name = entry.getKey();
      String file = "docker/Dockerfile." + name;
      String text = Repo.read(file);
      List<String> from = lines(text, "FROM ");
      assertEquals(2, from.size(), file + ": stages");
      assertTrue(from.get(0).endsWith(" AS build") && from.get(0).contains("-jdk"), file);
      assertTrue(from.get(1).contains(":17-jre"), file + ": the runtime is a JRE 17 image");
      assertTrue(text.contains("./mvnw -B"), file + ": built with the Maven wrapper");
      assertTrue(
          text.contains("COPY --from=build /src/" + name + "/target/quarkus-app/ /deployments/"),
          file);
      List<String> users = lines(text, "USER ");
      assertEquals(1, users.size(), file);
      String user = users.get(0).substring("USER ".length()).split(":")[0];
      assertFalse(user.equals("0") || user.equals("root"), file + ": runs as root");
      assertEquals(List.of("EXPOSE " + entry.getValue()), lines(text, "EXPOSE "), file);
      assertTrue(text.contains("-jar /deployments/quarkus-run.jar"), file);
      boolean pgTools = text.contains("postgresql-client-${PG_MAJOR}");
      assertEquals(RUN_PG_TOOLS.contains(name), pgTools, file + ": PostgreSQL client tools");
      if (pgTools) {
        // PgBinaries reads lifeboat.postgres.bin-dir, which this variable sets.
        assertTrue(
            text.contains("LIFEBOAT_POSTGRES_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin"), file);
      }
    }
  }

  @Test
  void portsAreTheContracts() {
    for (var entry : SERVICES.entrySet()) {
      assertEquals(
          List.of(entry.getValue() + ":" + entry.getValue()),
          published(entry.getKey()),
          entry.getKey());
    }
    for (var entry : SERVERS.entrySet()) {
      assertTrue(
          published(entry.getKey()).get(0).startsWith(entry.getValue() + ":"),
          entry.getKey() + " " + published(entry.getKey()));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everythingHasAHealthCheckAndTheServicesWaitForTheirServers() {
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    for (String name : services.keySet()) {
      Map<String, Object> health = (Map<String, Object>) service(name).get("healthcheck");
      assertNotNull(health, name + ": no healthcheck");
      assertFalse(String.valueOf(health.get("test")).isBlank(), name);
    }
    for (var entry : SERVICES.entrySet()) {
      Map<String, Object> service = service(entry.getKey());
      String test = String.valueOf(((Map<String, Object>) service.get("healthcheck")).get("test"));
      assertTrue(test.contains("127.0.0.1:" + entry.getValue() + "/q/health/ready"), test);
      Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
      for (String server : SERVERS.keySet()) {
        assertEquals(
            "service_healthy",
            ((Map<String, Object>) dependsOn.get(server)).get("condition"),
            entry.getKey() + " waits for " + server);
      }
      assertEquals(true, service.get("read_only"), entry.getKey() + ": read-only root");
      assertTrue(
          String.valueOf(service.get("tmpfs")).contains("/tmp"), entry.getKey() + ": /tmp tmpfs");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void stateLivesInNamedVolumes() {
    Set<String> declared = new TreeSet<>(((Map<String, Object>) compose().get("volumes")).keySet());
    Set<String> used = new TreeSet<>();
    for (String server : SERVERS.keySet()) {
      for (Object volume : (List<Object>) service(server).get("volumes")) {
        if (volume instanceof String spec && !spec.startsWith(".") && !spec.startsWith("/")) {
          used.add(spec.substring(0, spec.indexOf(':')));
        } else if (volume instanceof String spec) {
          String source = spec.substring(0, spec.indexOf(':'));
          assertTrue(Files.exists(Repo.path(source)), server + " mounts " + source + ", missing");
        }
      }
    }
    assertEquals(declared, used, "every server's data in a declared named volume");
    assertEquals(3, used.size());
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaIsASingleKraftNodeThatTheServicesReach() {
    Map<String, Object> kafka = service("kafka");
    assertTrue(String.valueOf(kafka.get("image")).startsWith("apache/kafka:"));
    Map<String, Object> env = (Map<String, Object>) kafka.get("environment");
    assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
    String advertised = String.valueOf(env.get("KAFKA_ADVERTISED_LISTENERS"));
    assertTrue(advertised.contains("127.0.0.1:9092"), "the host's clients: " + advertised);
    for (String name : SERVICES.keySet()) {
      Map<String, Object> serviceEnv = (Map<String, Object>) service(name).get("environment");
      String bootstrap = String.valueOf(serviceEnv.get("LIFEBOAT_KAFKA"));
      assertTrue(advertised.contains("//" + bootstrap), name + " bootstraps from " + bootstrap);
      if (!name.equals("audit-service")) {
        assertEquals(
            "postgresql://postgres:5432/app", serviceEnv.get("LIFEBOAT_DATABASES_APP_URL"), name);
      }
    }
    Map<String, Object> postgres = (Map<String, Object>) service("postgres").get("environment");
    assertEquals("lifeboat", postgres.get("POSTGRES_DB"), "the control database");
    assertTrue(Repo.read("docker/postgres/10-sample-app.sh").contains("CREATE DATABASE app"));
  }

  @Test
  void theBuildContextKeepsWhatMavenNeedsAndLeavesBuildOutputOut() {
    List<String> ignored =
        Repo.read(".dockerignore")
            .lines()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertTrue(ignored.containsAll(List.of(".git", "**/target", ".stack")), ignored.toString());
    for (String needed : List.of("mvnw", ".mvn", "pom.xml", "common", "archive", "test-support")) {
      assertFalse(ignored.contains(needed), needed + " is needed by the build");
    }
    // Maven reads every module of the root pom, even when it builds one: none may be left out.
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
    while (module.find()) {
      String dir = module.group(1);
      assertFalse(
          ignored.stream().anyMatch(i -> i.equals(dir) || dir.startsWith(i + "/")),
          "module " + dir + " is excluded from the build context");
    }
  }

  /**
   * pg_dump refuses servers newer than itself: the images' client tools are at least the servers'.
   */
  @Test
  void theImagesClientToolsAreAtLeastTheServersVersion() {
    for (String name : RUN_PG_TOOLS) {
      Matcher arg =
          Pattern.compile("(?m)^ARG PG_MAJOR=(\\d+)$")
              .matcher(Repo.read("docker/Dockerfile." + name));
      assertTrue(arg.find(), name);
      int client = Integer.parseInt(arg.group(1));
      for (String server :
          List.of(
              String.valueOf(service("postgres").get("image")),
              Repo.yaml("k8s/overlays/dev/postgres/statefulset.yaml")
                  .path("spec")
                  .path("template")
                  .path("spec")
                  .path("containers")
                  .get(0)
                  .path("image")
                  .asText())) {
        Matcher major = Pattern.compile("^postgres:(\\d+)").matcher(server);
        assertTrue(major.find(), server);
        assertTrue(
            client >= Integer.parseInt(major.group(1)),
            name + " has pg_dump " + client + ", the server is " + server);
      }
    }
  }

  /** The host side of a service's published ports, defaults of ${VAR:-default} applied. */
  @SuppressWarnings("unchecked")
  private static List<String> published(String name) {
    List<String> ports = new ArrayList<>();
    for (Object port : (List<Object>) service(name).get("ports")) {
      String spec = String.valueOf(port).replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
      assertTrue(spec.startsWith("127.0.0.1:"), name + ": published beyond this machine: " + spec);
      ports.add(spec.substring("127.0.0.1:".length()));
    }
    return ports;
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).map(String::trim).toList();
  }
}
