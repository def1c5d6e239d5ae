package io.veltrix.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import io.veltrix.deploy.kubernetes.ManifestCheck.Report;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The pieces that are not rendered by kustomize (the CloudNativePG Cluster, the Pulsar chart's values) agree with
 * what the services are told, and the servers' versions agree with the ones the local stack and the tests run.
 * Their custom resources are checked field by field here, not against the operators' CRD schemas (no registry we
 * reach serves those).
 */
class ReferenceManifestsTest {

    private static final ProjectFacts FACTS = ProjectFacts.fromBuild();

    @Test
    void postgresClusterMatchesWhatTheServicesUse() {
        List<Map<String, Object>> docs = yamlDocuments("postgres/cluster.yaml");
        Map<String, Object> cluster = docs.stream().filter(d -> "Cluster".equals(d.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> database = docs.stream().filter(d -> "Database".equals(d.get("kind"))
                && "apicurio".equals(path(d, "spec", "name"))).findFirst().orElseThrow();
        Map<String, Object> platform = docs.stream().filter(d -> "Database".equals(d.get("kind"))
                && "veltrix".equals(path(d, "spec", "name"))).findFirst().orElseThrow();
        assertEquals("postgresql.cnpg.io/v1", cluster.get("apiVersion"));
        assertEquals("postgresql.cnpg.io/v1", database.get("apiVersion"));

        String clusterName = (String) path(cluster, "metadata", "name");
        Map<String, String> endpoints = prodConfigMap("veltrix-endpoints");
        String expectedHost = clusterName + "-rw";
        assertEquals(expectedHost, URI.create(endpoints.get("VELTRIX_DB_REACTIVE_URL")).getHost());
        assertEquals(expectedHost, URI.create(endpoints.get("VELTRIX_DB_JDBC_URL").substring("jdbc:".length())).getHost());
        assertEquals("/veltrix", URI.create(endpoints.get("VELTRIX_DB_REACTIVE_URL")).getPath());
        assertEquals("veltrix", path(cluster, "spec", "bootstrap", "initdb", "database"));
        assertEquals("veltrix-db", path(cluster, "spec", "bootstrap", "initdb", "secret", "name"));

        Map<String, String> apicurio = prodConfigMap("apicurio-config");
        URI registryDb = URI.create(apicurio.get("APICURIO_DATASOURCE_URL").substring("jdbc:".length()));
        assertEquals(expectedHost, registryDb.getHost());
        assertEquals("/" + path(database, "spec", "name"), registryDb.getPath());
        assertEquals(clusterName, path(database, "spec", "cluster", "name"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> roles = (List<Map<String, Object>>) path(cluster, "spec", "managed", "roles");
        Map<String, Object> owner = roles.stream().filter(r -> path(database, "spec", "owner").equals(r.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no managed role owns the registry's database"));
        assertEquals("apicurio-db", path(owner, "passwordSecret", "name"));
        assertTrue(FACTS.kubernetesReadme().contains("`veltrix-db`") && FACTS.kubernetesReadme().contains("`apicurio-db`"));

        // one role per service, its password from the Secret the service logs in with, owner of the service's schema
        assertEquals(clusterName, path(platform, "spec", "cluster", "name"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> schemas = (List<Map<String, Object>>) path(platform, "spec", "schemas");
        Map<String, String> schemaOwners = new java.util.TreeMap<>();
        schemas.forEach(s -> schemaOwners.put((String) s.get("name"), (String) s.get("owner")));
        assertEquals(Map.of("processing", "veltrix_processor", "experiments", "veltrix_experiments"), schemaOwners);
        @SuppressWarnings("unchecked")
        List<String> postInit = (List<String>) path(cluster, "spec", "bootstrap", "initdb", "postInitApplicationSQL");
        assertTrue(postInit.contains("GRANT USAGE ON SCHEMA processing TO veltrix_experiments")
                && postInit.contains("GRANT USAGE ON SCHEMA experiments TO veltrix_processor"), String.valueOf(postInit));
        Map<String, String> loginSecrets = Map.of("veltrix_processor", "processor-db", "veltrix_experiments", "experiments-db");
        loginSecrets.forEach((role, secret) -> {
            Map<String, Object> managed = roles.stream().filter(r -> role.equals(r.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no managed role " + role));
            assertEquals(secret, path(managed, "passwordSecret", "name"));
            assertEquals(true, managed.get("login"));
            assertTrue(ManifestRules.DB_LOGIN_SECRET.containsValue(secret));
            assertTrue(FACTS.kubernetesReadme().contains("`" + secret + "`"));
        });
    }

    @Test
    void pulsarValuesMatchTheStackAndTheEndpoints() {
        Map<String, Object> values = yamlDocuments("pulsar/values.yaml").get(0);
        assertEquals(FACTS.pomProperty("pulsar.version"), String.valueOf(values.get("defaultPulsarImageTag")));
        assertEquals("non-partitioned", path(values, "broker", "configData", "allowAutoTopicCreationType"));
        assertEquals("false", path(values, "broker", "configData", "brokerDeleteInactiveTopicsEnabled"));
        int ensemble = Integer.parseInt((String) path(values, "broker", "configData", "managedLedgerDefaultEnsembleSize"));
        int bookies = (Integer) path(values, "bookkeeper", "replicaCount");
        assertTrue(ensemble < bookies, "an ensemble of " + ensemble + " with one bookie down needs more than "
                + bookies + " bookies");
        // token authentication and authorization on; the setup Job's role is the clients' superuser
        assertEquals(true, path(values, "auth", "authentication", "enabled"));
        assertEquals(true, path(values, "auth", "authentication", "jwt", "enabled"));
        assertEquals(true, path(values, "auth", "authentication", "jwt", "usingSecretKey"));
        assertEquals(true, path(values, "auth", "authorization", "enabled"));
        assertEquals("veltrix-admin", path(values, "auth", "superUsers", "client"));

        // release "pulsar" in namespace "pulsar": the chart's broker Service
        Map<String, String> endpoints = prodConfigMap("veltrix-endpoints");
        assertEquals("pulsar-broker.pulsar.svc.cluster.local", URI.create(endpoints.get("VELTRIX_PULSAR_URL")).getHost());
        assertEquals("pulsar-broker.pulsar.svc.cluster.local", URI.create(endpoints.get("VELTRIX_PULSAR_ADMIN_URL")).getHost());
    }

    @Test
    void serverImagesAreTheVersionsTheTestsRun() {
        String pulsar = FACTS.pomProperty("pulsar.version");
        String apicurio = FACTS.pomProperty("apicurio.app.version");
        List<String> images = new ArrayList<>();
        for (String overlay : List.of("dev", "prod")) {
            Report report = ManifestCheck.overlay(FACTS.kubernetesDir().resolve("overlays").resolve(overlay), FACTS);
            for (Manifest m : report.manifests()) {
                collectImages(m.raw(), images);
            }
        }
        for (String pinned : images) {
            // prod pins by digest beside the tag (name:tag@sha256:...): the tag names the version
            String image = pinned.replaceFirst("@sha256:[0-9a-f]+$", "");
            if (image.startsWith("apachepulsar/")) {
                assertTrue(image.endsWith(":" + pulsar), image + " is not Pulsar " + pulsar);
            }
            if (image.contains("apicurio-registry")) {
                assertTrue(image.endsWith(":" + apicurio), image + " is not Apicurio Registry " + apicurio);
            }
        }
        assertTrue(images.stream().anyMatch(i -> i.contains("apicurio-registry")));
    }

    @Test
    void quarkusDurationsAreReadLikeQuarkusReadsThem() {
        assertEquals(Duration.ofSeconds(20), ManifestRules.quarkusDuration("PT20S"));
        assertEquals(Duration.ofSeconds(20), ManifestRules.quarkusDuration("20s"));
        assertEquals(Duration.ofSeconds(20), ManifestRules.quarkusDuration("20"));
        assertEquals(Duration.ofMinutes(1), ManifestRules.quarkusDuration("1M"));
        assertEquals(Duration.ofMillis(500), ManifestRules.quarkusDuration("500ms"));
    }

    /**
     * The brokers' own namespace admits connections only from the chart's pods, Veltrix's pods in the prod overlay's
     * namespace (6650 and the admin API 8080) and Prometheus (8080): checked on the typed object, rule by rule.
     */
    @Test
    void pulsarBrokersAdmitOnlyTheirOwnNamespaceVeltrixAndPrometheus() {
        List<String> problems = new ArrayList<>();
        List<Manifest> manifests = KubernetesSchema.parse(ProjectFacts.read(FACTS.kubernetesDir().resolve("pulsar/network-policy.yaml")),
                problems);
        assertEquals(List.of(), problems);
        assertEquals(1, manifests.size());
        V1NetworkPolicy policy = manifests.get(0).as(V1NetworkPolicy.class);
        assertEquals("pulsar", policy.getMetadata().getNamespace());
        assertEquals(Map.of("component", "broker", "release", "pulsar"), policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        String prodNamespace = ProjectFacts.read(FACTS.kubernetesDir().resolve("overlays/prod/kustomization.yaml"))
                .lines().filter(l -> l.startsWith("namespace: ")).map(l -> l.substring("namespace: ".length()).trim())
                .findFirst().orElseThrow();
        // source (namespace or "same", pod labels) -> ports (empty: all)
        Map<String, List<Integer>> allowed = new java.util.TreeMap<>();
        for (V1NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            List<Integer> ports = rule.getPorts() == null ? List.of()
                    : rule.getPorts().stream().map(p -> p.getPort().getIntValue()).sorted().toList();
            for (V1NetworkPolicyPeer peer : rule.getFrom()) {
                String namespace = peer.getNamespaceSelector() == null ? "same"
                        : String.valueOf(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
                Map<String, String> pods = peer.getPodSelector() == null || peer.getPodSelector().getMatchLabels() == null
                        ? Map.of() : peer.getPodSelector().getMatchLabels();
                allowed.put(namespace + " " + pods, ports);
            }
        }
        assertEquals(Map.of(
                "same {}", List.of(),
                prodNamespace + " {app.kubernetes.io/part-of=veltrix}", List.of(6650, 8080),
                "monitoring {}", List.of(8080)), allowed);
        assertTrue(FACTS.kubernetesReadme().contains("pulsar/network-policy.yaml"), "README, Pulsar step");
    }

    private static Map<String, String> prodConfigMap(String prefix) {
        Report report = ManifestCheck.overlay(FACTS.kubernetesDir().resolve("overlays").resolve("prod"), FACTS);
        return report.manifests().stream()
                .filter(m -> m.kind().equals("ConfigMap") && m.name().startsWith(prefix + "-"))
                .map(m -> m.as(V1ConfigMap.class).getData()).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + prefix + " in overlays/prod"));
    }

    @SuppressWarnings("unchecked")
    private static void collectImages(Object node, List<String> images) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("image".equals(k) && v instanceof String s) {
                    images.add(s);
                } else {
                    collectImages(v, images);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collectImages(v, images));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yamlDocuments(String file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions()))
                .loadAll(ProjectFacts.read(FACTS.kubernetesDir().resolve(file)))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    private static Object path(Map<String, Object> node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new AssertionError("no " + String.join(".", keys));
            }
            current = map.get(key);
        }
        return current;
    }
}
