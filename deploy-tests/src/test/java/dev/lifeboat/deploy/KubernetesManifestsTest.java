package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each Kustomize overlay with kustomize itself and checks what a cluster would get: probes,
 * resources and a non-root, locked-down container everywhere; selectors that select; every
 * ConfigMap and Secret that a pod references either rendered (with the key) or listed in
 * docs/kubernetes.md for the operator to create; no secret value in the repository.
 */
class KubernetesManifestsTest {
  /** The contract's ports. */
  private static final Map<String, Integer> SERVICES =
      Map.of(
          "backup-service", 8081,
          "restore-service", 8082,
          "health-service", 8083,
          "audit-service", 8084);

  private static final Set<String> LONG_RUNNING = Set.of("Deployment", "StatefulSet", "DaemonSet");
  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob");

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void everyContainerHasProbesResourcesAndANonRootLockedDownUser(String overlay) {
    List<String> problems = new ArrayList<>();
    for (JsonNode workload : workloads(Kustomize.build(overlay))) {
      String where = describe(workload);
      JsonNode pod = podSpec(workload);
      for (JsonNode container : containers(pod)) {
        String at = where + " container " + container.path("name").asText();
        if (LONG_RUNNING.contains(workload.path("kind").asText())) {
          if (!container.has("livenessProbe")) {
            problems.add(at + ": no livenessProbe");
          }
          if (!container.has("readinessProbe")) {
            problems.add(at + ": no readinessProbe");
          }
        }
        for (String kind : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            if (container.path("resources").path(kind).path(resource).asText("").isEmpty()) {
              problems.add(at + ": no resources." + kind + "." + resource);
            }
          }
        }
        JsonNode security = container.path("securityContext");
        boolean nonRoot =
            security.path("runAsNonRoot").asBoolean(false)
                || (!security.has("runAsNonRoot")
                    && pod.path("securityContext").path("runAsNonRoot").asBoolean(false));
        if (!nonRoot) {
          problems.add(at + ": not runAsNonRoot");
        }
        long uid =
            security
                .path("runAsUser")
                .asLong(pod.path("securityContext").path("runAsUser").asLong(-1));
        if (uid == 0) {
          problems.add(at + ": runAsUser 0");
        }
        if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
          problems.add(at + ": allowPrivilegeEscalation is not false");
        }
        if (!texts(security.path("capabilities").path("drop")).contains("ALL")) {
          problems.add(at + ": capabilities not dropped (drop: [ALL])");
        }
      }
    }
    assertEquals(List.of(), problems, overlay);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void lifeboatServicesRunReadOnlyOnTheirPortsWithHealthProbes(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    for (var service : SERVICES.entrySet()) {
      JsonNode deployment = find(rendered, "Deployment", service.getKey());
      assertNotNull(deployment, overlay + ": no Deployment " + service.getKey());
      JsonNode pod = podSpec(deployment);
      assertEquals(service.getKey(), pod.path("serviceAccountName").asText());
      assertNotNull(find(rendered, "ServiceAccount", service.getKey()));
      assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
      JsonNode container = pod.path("containers").get(0);
      assertEquals(1, pod.path("containers").size());
      String at = overlay + " " + service.getKey();
      assertTrue(
          container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false),
          at + ": root filesystem not read-only");
      assertEquals(
          service.getValue(), container.path("ports").get(0).path("containerPort").asInt(), at);
      assertEquals(
          "/q/health/live",
          container.path("livenessProbe").path("httpGet").path("path").asText(),
          at);
      assertEquals(
          "/q/health/ready",
          container.path("readinessProbe").path("httpGet").path("path").asText(),
          at);
      // A read-only root needs a writable /tmp: zstd-jni unpacks its library there.
      String tmpVolume = null;
      for (JsonNode mount : container.path("volumeMounts")) {
        if ("/tmp".equals(mount.path("mountPath").asText())) {
          tmpVolume = mount.path("name").asText();
        }
      }
      assertNotNull(tmpVolume, at + ": no volume on /tmp");
      boolean emptyDir = false;
      for (JsonNode volume : pod.path("volumes")) {
        if (volume.path("name").asText().equals(tmpVolume)) {
          emptyDir = volume.has("emptyDir");
        }
      }
      assertTrue(emptyDir, at + ": /tmp is not an emptyDir");
      assertEquals(
          "/q/metrics",
          deployment
              .path("spec")
              .path("template")
              .path("metadata")
              .path("annotations")
              .path("prometheus.io/path")
              .asText(),
          at + ": no Prometheus scrape annotations");
      assertEquals(
          String.valueOf(service.getValue()),
          deployment
              .path("spec")
              .path("template")
              .path("metadata")
              .path("annotations")
              .path("prometheus.io/port")
              .asText(),
          at + ": Prometheus scrapes the HTTP port");
      JsonNode svc = find(rendered, "Service", service.getKey());
      assertNotNull(svc, at + ": no Service");
      assertEquals(
          service.getValue(), svc.path("spec").path("ports").get(0).path("port").asInt(), at);
      JsonNode budget = find(rendered, "PodDisruptionBudget", service.getKey());
      assertNotNull(budget, at + ": no PodDisruptionBudget");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void selectorsSelectWhatTheyAreFor(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    List<JsonNode> workloads = workloads(rendered);
    List<String> problems = new ArrayList<>();
    for (JsonNode workload : workloads) {
      if (workload.path("kind").asText().equals("Job")) {
        continue;
      }
      Map<String, String> selector =
          map(workload.path("spec").path("selector").path("matchLabels"));
      if (selector.isEmpty() || !matches(selector, podLabels(workload))) {
        problems.add(
            describe(workload)
                + ": selector "
                + selector
                + " does not match its pods "
                + podLabels(workload));
      }
    }
    for (JsonNode object : rendered) {
      String kind = object.path("kind").asText();
      Map<String, String> selector =
          switch (kind) {
            case "Service" -> map(object.path("spec").path("selector"));
            case "PodDisruptionBudget" ->
                map(object.path("spec").path("selector").path("matchLabels"));
            case "NetworkPolicy" ->
                map(object.path("spec").path("podSelector").path("matchLabels"));
            default -> null;
          };
      if (selector == null) {
        continue;
      }
      long selected = workloads.stream().filter(w -> matches(selector, podLabels(w))).count();
      if (selector.isEmpty() || selected == 0) {
        problems.add(describe(object) + ": selector " + selector + " selects no pods");
      }
    }
    for (JsonNode monitor : ofKind(rendered, "ServiceMonitor")) {
      Map<String, String> selector = map(monitor.path("spec").path("selector").path("matchLabels"));
      long services =
          ofKind(rendered, "Service").stream()
              .filter(s -> matches(selector, map(s.path("metadata").path("labels"))))
              .filter(s -> SERVICES.containsKey(name(s)))
              .count();
      if (services != SERVICES.size()) {
        problems.add(describe(monitor) + " selects " + services + " of Lifeboat's services");
      }
      for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
        String port = endpoint.path("port").asText();
        for (String service : SERVICES.keySet()) {
          boolean named = false;
          for (JsonNode p : find(rendered, "Service", service).path("spec").path("ports")) {
            named |= p.path("name").asText().equals(port);
          }
          if (!named) {
            problems.add(
                describe(monitor) + " scrapes port " + port + ", which " + service + " lacks");
          }
        }
      }
    }
    assertEquals(List.of(), problems, overlay);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void eachServiceIsFencedByANetworkPolicy(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    for (var service : SERVICES.entrySet()) {
      Map<String, String> labels = podLabels(find(rendered, "Deployment", service.getKey()));
      List<JsonNode> policies =
          ofKind(rendered, "NetworkPolicy").stream()
              .filter(
                  p -> matches(map(p.path("spec").path("podSelector").path("matchLabels")), labels))
              .toList();
      assertEquals(1, policies.size(), overlay + " " + service.getKey() + ": network policies");
      JsonNode spec = policies.get(0).path("spec");
      assertEquals(Set.of("Ingress", "Egress"), new TreeSet<>(texts(spec.path("policyTypes"))));
      Set<Integer> ingressPorts = new TreeSet<>();
      spec.path("ingress")
          .forEach(
              rule -> rule.path("ports").forEach(p -> ingressPorts.add(p.path("port").asInt())));
      assertEquals(Set.of(service.getValue()), ingressPorts, service.getKey() + ": ingress");
      Set<Integer> egressPorts = new TreeSet<>();
      spec.path("egress")
          .forEach(
              rule -> rule.path("ports").forEach(p -> egressPorts.add(p.path("port").asInt())));
      assertTrue(
          egressPorts.containsAll(Set.of(53, 9092, 5432)),
          service.getKey() + ": egress " + egressPorts);
      boolean usesS3 = !service.getKey().equals("audit-service");
      assertEquals(
          usesS3, egressPorts.contains(9000), service.getKey() + ": egress to S3 " + egressPorts);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void everyReferencedConfigMapAndSecretKeyIsRenderedOrDocumented(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    DocumentedObjects documented = DocumentedObjects.read();
    Map<String, JsonNode> configMaps = new HashMap<>();
    ofKind(rendered, "ConfigMap").forEach(c -> configMaps.put(name(c), c));
    List<String> problems = new ArrayList<>();
    for (JsonNode workload : workloads(rendered)) {
      JsonNode pod = podSpec(workload);
      String where = describe(workload);
      for (JsonNode container : containers(pod)) {
        for (JsonNode from : container.path("envFrom")) {
          if (from.has("configMapRef")) {
            requireObject(
                problems,
                where,
                "ConfigMap",
                from.path("configMapRef").path("name").asText(),
                configMaps,
                documented);
          }
          if (from.has("secretRef")) {
            requireObject(
                problems,
                where,
                "Secret",
                from.path("secretRef").path("name").asText(),
                configMaps,
                documented);
          }
        }
        for (JsonNode env : container.path("env")) {
          JsonNode ref = env.path("valueFrom");
          if (ref.has("configMapKeyRef")) {
            requireKey(
                problems, where, "ConfigMap", ref.path("configMapKeyRef"), configMaps, documented);
          }
          if (ref.has("secretKeyRef")) {
            requireKey(problems, where, "Secret", ref.path("secretKeyRef"), configMaps, documented);
          }
        }
      }
      for (JsonNode volume : pod.path("volumes")) {
        if (volume.has("configMap")) {
          requireObject(
              problems,
              where,
              "ConfigMap",
              volume.path("configMap").path("name").asText(),
              configMaps,
              documented);
        }
        if (volume.has("secret")) {
          requireObject(
              problems,
              where,
              "Secret",
              volume.path("secret").path("secretName").asText(),
              configMaps,
              documented);
        }
      }
    }
    assertEquals(List.of(), problems, overlay);
    assertEquals(
        List.of(), ofKind(rendered, "Secret"), overlay + ": secret values are never committed");
  }

  /**
   * Every ${VARIABLE} in the target databases' properties is a documented key of the Secret that
   * the pods load.
   */
  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void targetDatabasePasswordsComeFromTheDocumentedSecret(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    JsonNode targets =
        ofKind(rendered, "ConfigMap").stream()
            .filter(c -> name(c).startsWith("lifeboat-targets"))
            .findFirst()
            .orElseThrow();
    String properties = targets.path("data").path("application.properties").asText();
    assertTrue(
        properties.contains("lifeboat.databases."), "no target database in " + name(targets));
    DocumentedObjects.Entry secret =
        DocumentedObjects.read().find("Secret", "lifeboat-target-credentials");
    assertNotNull(
        secret, "docs/kubernetes.md does not list the Secret lifeboat-target-credentials");
    Matcher variable = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}").matcher(properties);
    int passwords = 0;
    while (variable.find()) {
      passwords++;
      assertTrue(secret.hasKey(variable.group(1)), variable.group(1) + " is not a documented key");
    }
    assertTrue(passwords > 0);
    for (String line : properties.split("\n")) {
      if (line.matches("lifeboat\\.databases\\.[^.]+\\.password=.*")) {
        assertTrue(
            line.matches(".*=\\$\\{[A-Za-z0-9_]+}"),
            "a password value in the ConfigMap: " + line.replaceAll("=.*", "=..."));
      }
    }
    for (String service : List.of("backup-service", "restore-service", "health-service")) {
      JsonNode container = podSpec(find(rendered, "Deployment", service)).path("containers").get(0);
      boolean loads = false;
      for (JsonNode from : container.path("envFrom")) {
        loads |= from.path("secretRef").path("name").asText().equals("lifeboat-target-credentials");
      }
      assertTrue(loads, service + " does not load lifeboat-target-credentials");
      boolean mounted = false;
      for (JsonNode mount : container.path("volumeMounts")) {
        mounted |= mount.path("mountPath").asText().equals("/deployments/config");
      }
      assertTrue(
          mounted,
          service
              + ": the targets are not at config/application.properties of its working directory");
    }
  }

  @Test
  void productionRunsSingletonsOnceAndScalesTheRest() {
    List<JsonNode> rendered = Kustomize.build("k8s/overlays/production");
    for (String singleton : List.of("backup-service", "restore-service")) {
      JsonNode spec = find(rendered, "Deployment", singleton).path("spec");
      assertEquals(1, spec.path("replicas").asInt(), singleton);
      // Recreate: a rollout never runs an old and a new pod side by side (docs/scaling.md).
      assertEquals("Recreate", spec.path("strategy").path("type").asText(), singleton);
    }
    // Its schedules fire in every replica (docs/scaling.md).
    assertEquals(
        1, find(rendered, "Deployment", "health-service").path("spec").path("replicas").asInt());
    assertTrue(
        find(rendered, "Deployment", "audit-service").path("spec").path("replicas").asInt() >= 2);
    for (String service : SERVICES.keySet()) {
      String image =
          podSpec(find(rendered, "Deployment", service))
              .path("containers")
              .get(0)
              .path("image")
              .asText();
      assertFalse(
          image.endsWith(":latest") || !image.contains(":"),
          service + ": production image " + image);
    }
    assertNotNull(find(rendered, "PrometheusRule", "lifeboat"));
    assertNotNull(find(rendered, "ConfigMap", "lifeboat-grafana-dashboard"));
  }

  /** The JVM flags a container runs with are its image's defaults: one set, measured once. */
  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/production"})
  void deploymentsRunTheJvmFlagsTheirImagesDefaultTo(String overlay) {
    List<JsonNode> rendered = Kustomize.build(overlay);
    for (String service : SERVICES.keySet()) {
      String deployed = "";
      for (JsonNode env :
          podSpec(find(rendered, "Deployment", service)).path("containers").get(0).path("env")) {
        if (env.path("name").asText().equals("JAVA_OPTS")) {
          deployed = env.path("value").asText();
        }
      }
      Matcher image =
          Pattern.compile("JAVA_OPTS=\"([^\"]*)\"")
              .matcher(Repo.read("docker/Dockerfile." + service));
      assertTrue(image.find(), service);
      assertEquals(
          image.group(1).trim().replaceAll("\\s+", " "),
          deployed.trim().replaceAll("\\s+", " "),
          overlay + " " + service);
    }
  }

  @Test
  void devBringsItsOwnKafkaPostgresAndMinio() {
    List<JsonNode> rendered = Kustomize.build("k8s/overlays/dev");
    for (String server : List.of("kafka", "postgres", "minio")) {
      assertNotNull(find(rendered, "StatefulSet", server), server);
      assertNotNull(find(rendered, "Service", server), server);
    }
    JsonNode kafka = podSpec(find(rendered, "StatefulSet", "kafka")).path("containers").get(0);
    Map<String, String> env = new LinkedHashMap<>();
    kafka.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"), "a single KRaft node");
    for (String service : SERVICES.keySet()) {
      JsonNode container = podSpec(find(rendered, "Deployment", service)).path("containers").get(0);
      assertEquals("Never", container.path("imagePullPolicy").asText(), service);
      assertTrue(container.path("image").asText().endsWith(":dev"), service);
    }
    JsonNode platform =
        ofKind(rendered, "ConfigMap").stream()
            .filter(c -> name(c).startsWith("lifeboat-platform"))
            .findFirst()
            .orElseThrow();
    assertEquals("kafka:9092", platform.path("data").path("LIFEBOAT_KAFKA").asText());
    assertNotNull(find(rendered, "Job", "minio-bucket"), "the bucket is created");
  }

  @Test
  void kafkaTopicsAndMonitoringRenderOnTheirOwn() {
    List<JsonNode> topics = Kustomize.build("k8s/strimzi-topics");
    Set<String> names = new TreeSet<>();
    topics.forEach(t -> names.add(t.path("spec").path("topicName").asText()));
    assertEquals(
        Set.of(
            "lifeboat.backup.requests",
            "lifeboat.restore.commands",
            "lifeboat.events",
            "lifeboat.audit",
            "lifeboat.dlq"),
        names);
    assertEquals(2, Kustomize.build("k8s/monitoring").size());
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static void requireObject(
      List<String> problems,
      String where,
      String kind,
      String name,
      Map<String, JsonNode> configMaps,
      DocumentedObjects documented) {
    if (kind.equals("ConfigMap") && configMaps.containsKey(name)) {
      return;
    }
    if (documented.find(kind, name) == null) {
      problems.add(
          where
              + ": "
              + kind
              + " "
              + name
              + " is neither rendered nor listed in "
              + DocumentedObjects.DOC);
    }
  }

  private static void requireKey(
      List<String> problems,
      String where,
      String kind,
      JsonNode ref,
      Map<String, JsonNode> configMaps,
      DocumentedObjects documented) {
    String name = ref.path("name").asText();
    String key = ref.path("key").asText();
    if (kind.equals("ConfigMap") && configMaps.containsKey(name)) {
      if (!configMaps.get(name).path("data").has(key)) {
        problems.add(where + ": ConfigMap " + name + " has no key " + key);
      }
      return;
    }
    DocumentedObjects.Entry entry = documented.find(kind, name);
    if (entry == null) {
      problems.add(
          where
              + ": "
              + kind
              + " "
              + name
              + " is neither rendered nor listed in "
              + DocumentedObjects.DOC);
    } else if (!entry.hasKey(key)) {
      problems.add(
          where
              + ": key "
              + key
              + " of "
              + kind
              + " "
              + name
              + " is not listed in "
              + DocumentedObjects.DOC);
    }
  }

  static List<JsonNode> workloads(List<JsonNode> rendered) {
    return rendered.stream().filter(o -> WORKLOADS.contains(o.path("kind").asText())).toList();
  }

  static JsonNode podSpec(JsonNode workload) {
    JsonNode spec = workload.path("spec");
    if (workload.path("kind").asText().equals("CronJob")) {
      spec = spec.path("jobTemplate").path("spec");
    }
    return spec.path("template").path("spec");
  }

  private static Map<String, String> podLabels(JsonNode workload) {
    JsonNode spec = workload.path("spec");
    if (workload.path("kind").asText().equals("CronJob")) {
      spec = spec.path("jobTemplate").path("spec");
    }
    return map(spec.path("template").path("metadata").path("labels"));
  }

  private static List<JsonNode> containers(JsonNode pod) {
    List<JsonNode> all = new ArrayList<>();
    pod.path("initContainers").forEach(all::add);
    pod.path("containers").forEach(all::add);
    return all;
  }

  static List<JsonNode> ofKind(List<JsonNode> rendered, String kind) {
    return rendered.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode find(List<JsonNode> rendered, String kind, String name) {
    return ofKind(rendered, kind).stream()
        .filter(o -> name(o).equals(name))
        .findFirst()
        .orElse(null);
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static String describe(JsonNode object) {
    return object.path("kind").asText() + "/" + name(object);
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
