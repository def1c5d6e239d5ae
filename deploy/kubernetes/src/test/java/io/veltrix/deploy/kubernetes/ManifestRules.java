package io.veltrix.deploy.kubernetes;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's own rules for a rendered overlay, on top of the Kubernetes schema: every service has probes on
 * its health endpoints, resources, graceful termination that covers its shutdown, autoscaling and disruption
 * budgets; nothing secret is inline; every reference points at something that exists or is documented.
 */
final class ManifestRules {

    /** The three services: Deployment name = Maven module = application.properties owner. */
    static final List<String> SERVICES = List.of("ingest-service", "processor-service", "experiments-service");
    /** The services that scale horizontally under an autoscaler. */
    static final List<String> AUTOSCALED = List.of("ingest-service", "processor-service");
    static final Map<String, String> HEALTH_PATHS = Map.of(
            "startupProbe", "/q/health/started",
            "livenessProbe", "/q/health/live",
            "readinessProbe", "/q/health/ready");

    /** What each service reads from the environment (README, "Configuration"), not from a Secret. */
    static final Map<String, List<String>> REQUIRED_CONFIG = Map.of(
            "ingest-service", List.of("VELTRIX_PULSAR_URL", "VELTRIX_REGISTRY_URL"),
            "processor-service", List.of("VELTRIX_PULSAR_URL", "VELTRIX_PULSAR_ADMIN_URL", "VELTRIX_REGISTRY_URL",
                    "VELTRIX_DB_JDBC_URL", "VELTRIX_DB_REACTIVE_URL"),
            "experiments-service", List.of("VELTRIX_DB_JDBC_URL", "VELTRIX_DB_REACTIVE_URL", "VELTRIX_INGEST_URL"));
    /** What each service must get from a Secret: single variables (secretKeyRef) ... */
    static final Map<String, List<String>> REQUIRED_SECRET_VARS = Map.of(
            "processor-service", List.of("VELTRIX_DB_USERNAME", "VELTRIX_DB_PASSWORD"),
            "experiments-service", List.of("VELTRIX_DB_USERNAME", "VELTRIX_DB_PASSWORD"));
    /**
     * Each service's own PostgreSQL role (README, "Configuration"): the Secret its login comes from, which no other
     * service reads; the other service's Secret gives the role its read contract is granted to (its username only).
     */
    static final Map<String, String> DB_LOGIN_SECRET = Map.of(
            "processor-service", "processor-db",
            "experiments-service", "experiments-db");
    /** Besides its service, only the dev overlay's PostgreSQL reads a login Secret (to create the role). */
    static final Set<String> DB_ROLE_CREATORS = Set.of("StatefulSet/postgres");
    /** ... and whole Secrets whose keys are variable names (envFrom), e.g. one pair of variables per write key. */
    static final Map<String, List<String>> REQUIRED_SECRET_SOURCES = Map.of(
            "ingest-service", List.of("ingest-admin-tokens"),
            "processor-service", List.of("processor-admin-token"),
            "experiments-service", List.of("experiments-tokens"));

    /** ... and files from a mounted Secret, named by a variable: write keys, re-read when the Secret changes. */
    static final Map<String, Map.Entry<String, String>> REQUIRED_SECRET_FILES = Map.of(
            "ingest-service", Map.entry("VELTRIX_INGEST_WRITE_KEYS_FILE", "ingest-write-keys"));

    /**
     * Pulsar: each service's own token (its role's grants are set by the setup Job), none for experiments-service; the
     * superuser's token only for the setup Job (and the dev overlay's broker, whose own client uses it); the signing
     * key only for the dev overlay's broker.
     */
    static final Map<String, String> PULSAR_TOKEN_SECRET = Map.of(
            "ingest-service", "pulsar-ingest-token",
            "processor-service", "pulsar-processor-token");
    static final String PULSAR_ADMIN_TOKEN_SECRET = "pulsar-admin-token";
    static final String PULSAR_KEY_SECRET = "pulsar-token-key";
    static final Set<String> PULSAR_ADMIN_TOKEN_READERS = Set.of("Job/veltrix-pulsar-setup", "StatefulSet/pulsar");
    static final Set<String> PULSAR_KEY_READERS = Set.of("StatefulSet/pulsar");
    /** What the dev overlay's Pulsar standalone must be configured with (PULSAR_PREFIX_*: standalone.conf). */
    static final Map<String, String> PULSAR_AUTH_CONFIG = Map.of(
            "PULSAR_PREFIX_authenticationEnabled", "true",
            "PULSAR_PREFIX_authenticationProviders", "org.apache.pulsar.broker.authentication.AuthenticationProviderToken",
            "PULSAR_PREFIX_authorizationEnabled", "true",
            "PULSAR_PREFIX_superUserRoles", "veltrix-admin");

    /** Names that hold secrets: such a variable or ConfigMap key never carries a literal value. */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|APIKEY|API_KEY|_KEY$).*");
    /** user:password@ in a URL, or a password parameter. */
    static final Pattern SECRET_IN_VALUE = Pattern.compile("(?i)(://[^/\\s:@]+:[^/\\s@]+@|[?&;]password=)");

    /** Margin between the shutdown budget and the moment Kubernetes sends SIGKILL. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    private final List<Manifest> manifests;
    private final ProjectFacts facts;
    private final List<String> problems;
    private final Map<String, V1ConfigMap> configMaps = new HashMap<>();

    private ManifestRules(List<Manifest> manifests, ProjectFacts facts, List<String> problems) {
        this.manifests = manifests;
        this.facts = facts;
        this.problems = problems;
        for (Manifest m : manifests) {
            if (m.model() instanceof V1ConfigMap configMap) {
                configMaps.put(m.name(), configMap);
            }
        }
    }

    /** Adds every rule violation found in {@code manifests} to {@code problems}. */
    static void check(String overlay, List<Manifest> manifests, ProjectFacts facts, List<String> problems) {
        ManifestRules rules = new ManifestRules(manifests, facts, problems);
        rules.noSecretObjects();
        rules.workloads();
        rules.services();
        rules.autoscalersAndBudgets();
        rules.configMapsHoldNoSecrets();
        rules.apicurioOnPostgres();
        rules.registryWritesNeedTheRegistrar();
        rules.databaseRolePerService();
        rules.pulsarTokenPerRole();
        HardeningRules.check(overlay, manifests, facts, problems);
        NetworkFlows.check(manifests, problems);
    }

    // --- rules ---

    private void noSecretObjects() {
        for (Manifest m : manifests) {
            if ("Secret".equals(m.kind())) {
                problems.add(m.id() + ": a Secret is committed in the manifests; reference it by name and create it "
                        + "in the cluster instead (deploy/kubernetes/README.md, \"Secrets\")");
            }
        }
    }

    private void workloads() {
        Set<String> seenServices = new LinkedHashSet<>();
        for (Manifest m : manifests) {
            if (m.model() == null) {
                continue;
            }
            Optional<V1PodTemplateSpec> template = podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            V1PodSpec pod = template.get().getSpec();
            boolean longRunning = !(m.model() instanceof V1Job);
            for (V1Container container : allContainers(pod)) {
                String where = m.id() + " container " + container.getName();
                resources(where, container.getResources());
                image(where, container.getImage());
                references(where, pod, container);
                if (longRunning && (pod.getInitContainers() == null || !pod.getInitContainers().contains(container))) {
                    for (String probe : HEALTH_PATHS.keySet()) {
                        if (probe(container, probe) == null) {
                            problems.add(where + ": has no " + probe);
                        }
                    }
                }
            }
            volumes(m.id(), pod.getVolumes());
            if (m.model() instanceof V1Deployment deployment && SERVICES.contains(m.name())) {
                seenServices.add(m.name());
                service(m, deployment, pod);
            }
        }
        for (String service : SERVICES) {
            if (!seenServices.contains(service)) {
                problems.add("Deployment/" + service + " is missing");
            }
        }
    }

    /**
     * One database role per service: a service logs in with its own Secret and learns the other's role (the reader of
     * its contract) from the other's Secret; nothing else reads a service's database password.
     */
    private void databaseRolePerService() {
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = m.model() == null ? Optional.empty() : podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            String own = DB_LOGIN_SECRET.get(m.name());
            for (V1Container container : allContainers(template.get().getSpec())) {
                Map<String, V1EnvVar> vars = new HashMap<>();
                nullToEmpty(container.getEnv()).forEach(v -> vars.put(v.getName(), v));
                for (V1EnvVar var : vars.values()) {
                    var ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
                    if (ref != null && DB_LOGIN_SECRET.containsValue(ref.getName()) && !"username".equals(ref.getKey())
                            && !ref.getName().equals(own) && !DB_ROLE_CREATORS.contains(m.id())) {
                        problems.add(m.id() + " container " + container.getName() + ": " + var.getName() + " reads Secret "
                                + ref.getName() + ", another service's database login");
                    }
                }
                if (own == null || !container.getName().equals(m.name())) {
                    continue;
                }
                String other = DB_LOGIN_SECRET.entrySet().stream().filter(e -> !e.getKey().equals(m.name()))
                        .map(Map.Entry::getValue).findFirst().orElseThrow();
                secretKey(m.id(), vars.get("VELTRIX_DB_USERNAME"), "VELTRIX_DB_USERNAME", own, "username");
                secretKey(m.id(), vars.get("VELTRIX_DB_PASSWORD"), "VELTRIX_DB_PASSWORD", own, "password");
                secretKey(m.id(), vars.get("VELTRIX_DB_READER_ROLE"), "VELTRIX_DB_READER_ROLE", other, "username");
            }
        }
    }

    /**
     * Pulsar trusts no one by default: the broker checks tokens and grants, each service has its own token from its own
     * Secret, experiments-service (which does not use Pulsar) none, and only the setup Job holds the superuser's.
     */
    private void pulsarTokenPerRole() {
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = m.model() == null ? Optional.empty() : podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            V1PodSpec pod = template.get().getSpec();
            Set<String> secrets = new LinkedHashSet<>();
            for (V1Volume volume : nullToEmpty(pod.getVolumes())) {
                if (volume.getSecret() != null) {
                    secrets.add(volume.getSecret().getSecretName());
                }
            }
            for (V1Container container : allContainers(pod)) {
                for (V1EnvVar var : nullToEmpty(container.getEnv())) {
                    var ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
                    if (ref != null) {
                        secrets.add(ref.getName());
                    }
                }
                for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
                    if (source.getSecretRef() != null) {
                        secrets.add(source.getSecretRef().getName());
                    }
                }
            }
            String own = PULSAR_TOKEN_SECRET.get(m.name());
            for (String secret : secrets) {
                if (PULSAR_TOKEN_SECRET.containsValue(secret) && !secret.equals(own)) {
                    problems.add(m.id() + ": reads Secret " + secret + ", another role's Pulsar token");
                }
                if (secret.equals(PULSAR_ADMIN_TOKEN_SECRET) && !PULSAR_ADMIN_TOKEN_READERS.contains(m.id())) {
                    problems.add(m.id() + ": reads Secret " + secret + ", the Pulsar superuser's token (only the setup "
                            + "Job may)");
                }
                if (secret.equals(PULSAR_KEY_SECRET) && !PULSAR_KEY_READERS.contains(m.id())) {
                    problems.add(m.id() + ": reads Secret " + secret + ", the key that signs every Pulsar token (only the "
                            + "broker may)");
                }
            }
            if (SERVICES.contains(m.name())) {
                V1Container container = pod.getContainers().stream().filter(c -> c.getName().equals(m.name())).findFirst()
                        .orElse(null);
                V1EnvVar token = container == null ? null : nullToEmpty(container.getEnv()).stream()
                        .filter(v -> v.getName().equals("VELTRIX_PULSAR_TOKEN")).findFirst().orElse(null);
                if (own == null && token != null) {
                    problems.add(m.id() + ": sets VELTRIX_PULSAR_TOKEN, but " + m.name() + " uses no Pulsar: it gets no role");
                }
                var ref = token == null || token.getValueFrom() == null ? null : token.getValueFrom().getSecretKeyRef();
                if (own != null && (ref == null || !own.equals(ref.getName()) || !"token".equals(ref.getKey()))) {
                    problems.add(m.id() + ": VELTRIX_PULSAR_TOKEN must come from key token of Secret " + own
                            + " (its own Pulsar role), not " + (ref == null ? "elsewhere" : ref.getKey() + " of " + ref.getName()));
                }
            }
            if (m.id().equals("StatefulSet/pulsar")) {
                Map<String, String> env = environment(pod.getContainers().get(0));
                PULSAR_AUTH_CONFIG.forEach((name, value) -> {
                    if (!value.equals(env.get(name))) {
                        problems.add(m.id() + ": " + name + " must be " + value + " (token authentication and authorization"
                                + " on, the setup role the only superuser), not " + env.get(name));
                    }
                });
                if (!secrets.contains(PULSAR_KEY_SECRET)) {
                    problems.add(m.id() + ": does not mount Secret " + PULSAR_KEY_SECRET + " (tokenSecretKey)");
                }
            }
        }
    }

    private void secretKey(String id, V1EnvVar var, String name, String secret, String key) {
        var ref = var == null || var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
        if (ref == null || !secret.equals(ref.getName()) || !key.equals(ref.getKey())) {
            problems.add(id + ": " + name + " must come from key " + key + " of Secret " + secret + " (one database role "
                    + "per service), not " + (ref == null ? "elsewhere" : ref.getKey() + " of " + ref.getName()));
        }
    }

    /** One of the three services: health probes on its management port, shutdown that fits, its configuration. */
    private void service(Manifest m, V1Deployment deployment, V1PodSpec pod) {
        String id = m.id();
        V1Container container = pod.getContainers().stream().filter(c -> c.getName().equals(m.name())).findFirst()
                .orElse(null);
        if (container == null) {
            problems.add(id + ": no container named " + m.name());
            return;
        }
        int port = facts.httpPort(m.name());
        boolean declared = container.getPorts() != null
                && container.getPorts().stream().anyMatch(p -> Objects.equals(p.getContainerPort(), port));
        if (!declared) {
            problems.add(id + ": declares no containerPort " + port + " (quarkus.http.port in " + m.name()
                    + "/src/main/resources/application.properties)");
        }
        // health, metrics and OpenAPI answer on the management interface only: probes and the scrape go there
        int management = facts.managementPort(m.name()).orElse(-1);
        if (management < 0) {
            problems.add(id + ": " + m.name() + " has no management interface (quarkus.management.enabled in its "
                    + "application.properties): health, metrics and OpenAPI would answer on the API's port");
        } else if (container.getPorts() == null
                || container.getPorts().stream().noneMatch(p -> Objects.equals(p.getContainerPort(), management))) {
            problems.add(id + ": declares no containerPort " + management + " (the management interface)");
        }
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata() == null ? null
                : deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        String scraped = annotations == null ? null : annotations.get("prometheus.io/port");
        if (scraped != null && !scraped.equals(String.valueOf(management))) {
            problems.add(id + ": prometheus.io/port " + scraped + " is not the management interface's port " + management);
        }
        for (Map.Entry<String, String> wanted : HEALTH_PATHS.entrySet()) {
            V1Probe probe = probe(container, wanted.getKey());
            if (probe == null) {
                continue; // reported above
            }
            V1HTTPGetAction http = probe.getHttpGet();
            if (http == null) {
                problems.add(id + ": " + wanted.getKey() + " is not an HTTP GET on " + wanted.getValue());
                continue;
            }
            if (!wanted.getValue().equals(http.getPath())) {
                problems.add(id + ": " + wanted.getKey() + " asks " + http.getPath() + ", the service answers on "
                        + wanted.getValue());
            }
            Integer probePort = resolvePort(http.getPort(), container.getPorts());
            if (probePort == null || probePort != management) {
                problems.add(id + ": " + wanted.getKey() + " port " + http.getPort() + " is not the service's management "
                        + "port " + management);
            }
        }
        shutdown(m.name(), id, pod, container);
        Map<String, String> env = environment(container);
        for (String name : REQUIRED_CONFIG.getOrDefault(m.name(), List.of())) {
            String value = env.get(name);
            if (value == null || value.isBlank() || value.startsWith("<")) {
                problems.add(id + ": " + name + " is not set (from a ConfigMap or a value)");
            }
        }
        for (String name : REQUIRED_SECRET_VARS.getOrDefault(m.name(), List.of())) {
            if (!Objects.equals(env.get(name), "<secret>")) {
                problems.add(id + ": " + name + " must come from a Secret (valueFrom.secretKeyRef)");
            }
        }
        Set<String> secretSources = new LinkedHashSet<>();
        for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
            if (source.getSecretRef() != null) {
                secretSources.add(source.getSecretRef().getName());
            }
        }
        for (String secret : REQUIRED_SECRET_SOURCES.getOrDefault(m.name(), List.of())) {
            if (!secretSources.contains(secret)) {
                problems.add(id + ": does not take its variables from Secret " + secret + " (envFrom.secretRef)");
            }
        }
        Map.Entry<String, String> secretFile = REQUIRED_SECRET_FILES.get(m.name());
        if (secretFile != null) {
            secretFile(id, pod, container, env.get(secretFile.getKey()), secretFile.getKey(), secretFile.getValue());
        }
        if (AUTOSCALED.contains(m.name()) && deployment.getSpec().getReplicas() != null) {
            problems.add(id + ": sets spec.replicas although its HorizontalPodAutoscaler owns the count (each apply "
                    + "would reset it)");
        }
    }

    /** {@code variable} names a file inside a volume mounted from Secret {@code secret}. */
    private void secretFile(String id, V1PodSpec pod, V1Container container, String path, String variable, String secret) {
        if (path == null || path.startsWith("<")) {
            problems.add(id + ": " + variable + " is not set (the file of Secret " + secret + ")");
            return;
        }
        for (V1Volume volume : nullToEmpty(pod.getVolumes())) {
            if (volume.getSecret() == null || !secret.equals(volume.getSecret().getSecretName())) {
                continue;
            }
            for (var mount : nullToEmpty(container.getVolumeMounts())) {
                if (mount.getName().equals(volume.getName()) && mount.getSubPath() == null
                        && path.startsWith(mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/")) {
                    return;
                }
            }
        }
        problems.add(id + ": " + variable + "=" + path + " is not inside a mount of Secret " + secret
                + " (a whole-volume mount, no subPath: only those follow the Secret's updates)");
    }

    /**
     * preStop + Quarkus' shutdown timeout (requests in flight) + the service's own drain, if it has one (the
     * processor's batch in progress) + the worker pool's drain must end before SIGKILL. Each value is the one the
     * pod gets: its environment, else the service's application.properties, else Quarkus' default.
     */
    private void shutdown(String service, String id, V1PodSpec pod, V1Container container) {
        long grace = pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds();
        long preStop = 0;
        if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null) {
            problems.add(id + ": has no preStop hook (the endpoint removal needs a moment before SIGTERM)");
        } else if (container.getLifecycle().getPreStop().getSleep() != null) {
            preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        }
        Map<String, String> env = environment(container);
        Duration needed = Duration.ofSeconds(preStop).plus(SHUTDOWN_MARGIN);
        StringBuilder parts = new StringBuilder("preStop " + preStop + " s");
        for (ShutdownStep step : SHUTDOWN_STEPS) {
            if (step.service() != null && !step.service().equals(service)) {
                continue;
            }
            Optional<String> value = Optional.ofNullable(env.get(step.variable())).filter(v -> !v.startsWith("<"))
                    .or(() -> facts.property(service, step.property()))
                    .or(() -> Optional.ofNullable(step.quarkusDefault()));
            if (value.isEmpty()) {
                problems.add(id + ": " + step.variable() + " (" + step.property() + ") is not set: " + step.whyNeeded());
                return;
            }
            Duration duration = quarkusDuration(value.get());
            needed = needed.plus(duration);
            parts.append(" + ").append(step.variable()).append(' ').append(duration.toSeconds()).append(" s");
        }
        if (Duration.ofSeconds(grace).compareTo(needed) < 0) {
            problems.add(id + ": terminationGracePeriodSeconds " + grace + " s is shorter than " + parts + " + "
                    + SHUTDOWN_MARGIN.toSeconds() + " s: Kubernetes would kill it mid-shutdown");
        }
    }

    /** One phase of a service's shutdown, in order; {@code service} null = every service. */
    private record ShutdownStep(String service, String variable, String property, String quarkusDefault,
                                String whyNeeded) {
    }

    private static final List<ShutdownStep> SHUTDOWN_STEPS = List.of(
            new ShutdownStep(null, "QUARKUS_SHUTDOWN_TIMEOUT", "quarkus.shutdown.timeout", null,
                    "Quarkus would not wait for the requests in flight"),
            new ShutdownStep("processor-service", "VELTRIX_PROCESSOR_SHUTDOWN_GRACE", "veltrix.processor.shutdown.grace",
                    null, "the batch in progress would get no time to commit"),
            new ShutdownStep(null, "QUARKUS_THREAD_POOL_SHUTDOWN_TIMEOUT", "quarkus.thread-pool.shutdown-timeout", "PT1M",
                    "(Quarkus' default applies)"));

    private void resources(String where, V1ResourceRequirements resources) {
        if (resources == null) {
            problems.add(where + ": has no resources (requests and limits)");
            return;
        }
        for (String kind : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(kind);
            Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(kind);
            if (request == null) {
                problems.add(where + ": has no " + kind + " request");
            }
            if (limit == null) {
                problems.add(where + ": has no " + kind + " limit");
            }
            if (request != null && limit != null && request.getNumber().compareTo(limit.getNumber()) > 0) {
                problems.add(where + ": " + kind + " request " + request.toSuffixedString() + " exceeds its limit "
                        + limit.toSuffixedString());
            }
        }
    }

    private void image(String where, String image) {
        if (image == null || image.isBlank()) {
            problems.add(where + ": has no image");
            return;
        }
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon < slash + 1 || image.endsWith(":latest")) {
            problems.add(where + ": image " + image + " has no fixed tag");
        }
    }

    /** No literal value for a secret-looking variable; references point at existing ConfigMaps and documented Secrets. */
    private void references(String where, V1PodSpec pod, V1Container container) {
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            // a path (or file:// URI) into a mounted Secret names where a secret is, e.g. Pulsar's tokenSecretKey
            if (var.getValue() != null && !inSecretMount(pod, container, var.getValue())
                    && SECRET_NAME.matcher(var.getName()).matches()) {
                problems.add(where + ": " + var.getName() + " has a literal value; a secret comes from a Secret "
                        + "(valueFrom.secretKeyRef)");
            }
            if (var.getValue() != null && SECRET_IN_VALUE.matcher(var.getValue()).find()) {
                problems.add(where + ": " + var.getName() + " carries credentials in its value");
            }
            if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
                configMapExists(where, var.getValueFrom().getConfigMapKeyRef().getName());
            }
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                secretDocumented(where, var.getValueFrom().getSecretKeyRef().getName());
            }
        }
        for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
            if (source.getConfigMapRef() != null) {
                configMapExists(where, source.getConfigMapRef().getName());
            }
            if (source.getSecretRef() != null) {
                secretDocumented(where, source.getSecretRef().getName());
            }
        }
    }

    /** True when {@code value} is a file (path or file:// URI) below a mount of a Secret volume of this container. */
    private static boolean inSecretMount(V1PodSpec pod, V1Container container, String value) {
        String path = value.startsWith("file://") ? value.substring("file://".length()) : value;
        if (!path.startsWith("/")) {
            return false;
        }
        for (V1Volume volume : nullToEmpty(pod.getVolumes())) {
            if (volume.getSecret() == null) {
                continue;
            }
            for (var mount : nullToEmpty(container.getVolumeMounts())) {
                String dir = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
                if (mount.getName().equals(volume.getName()) && path.startsWith(dir)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void volumes(String where, List<V1Volume> volumes) {
        for (V1Volume volume : nullToEmpty(volumes)) {
            if (volume.getConfigMap() != null) {
                configMapExists(where + " volume " + volume.getName(), volume.getConfigMap().getName());
            }
            if (volume.getSecret() != null) {
                secretDocumented(where + " volume " + volume.getName(), volume.getSecret().getSecretName());
            }
        }
    }

    private void services() {
        for (Manifest m : manifests) {
            if (!(m.model() instanceof V1Service service) || service.getSpec() == null) {
                continue;
            }
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                problems.add(m.id() + ": has no selector");
                continue;
            }
            List<Manifest> targets = workloadsMatching(selector);
            if (targets.isEmpty()) {
                problems.add(m.id() + ": selector " + selector + " matches no workload's pods");
                continue;
            }
            for (V1ServicePort port : nullToEmpty(service.getSpec().getPorts())) {
                IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
                for (Manifest workload : targets) {
                    List<V1ContainerPort> declared = podTemplate(workload).map(t -> t.getSpec().getContainers())
                            .orElse(List.of()).stream().flatMap(c -> nullToEmpty(c.getPorts()).stream()).toList();
                    Integer resolved = resolvePort(target, declared);
                    if (resolved == null) {
                        problems.add(m.id() + ": targetPort " + target + " is not a port of " + workload.id());
                    } else if (REQUIRED_CONFIG.containsKey(workload.name()) && facts.managementPort(workload.name())
                            .filter(resolved::equals).isPresent()) {
                        problems.add(m.id() + ": targetPort " + target + " exposes the management interface of "
                                + workload.id() + " (health details, metrics, OpenAPI): only Prometheus and the kubelet "
                                + "reach it");
                    }
                }
            }
        }
    }

    private void autoscalersAndBudgets() {
        Set<String> deployments = new LinkedHashSet<>();
        for (Manifest m : manifests) {
            if (m.model() instanceof V1Deployment) {
                deployments.add(m.name());
            }
        }
        Set<String> autoscaled = new LinkedHashSet<>();
        for (Manifest m : manifests) {
            if (m.model() instanceof V2HorizontalPodAutoscaler hpa) {
                var target = hpa.getSpec().getScaleTargetRef();
                if (!"Deployment".equals(target.getKind()) || !deployments.contains(target.getName())) {
                    problems.add(m.id() + ": scales " + target.getKind() + "/" + target.getName() + ", which is not here");
                }
                if (hpa.getSpec().getMinReplicas() != null && hpa.getSpec().getMinReplicas() > hpa.getSpec().getMaxReplicas()) {
                    problems.add(m.id() + ": minReplicas is above maxReplicas");
                }
                autoscaled.add(target.getName());
            }
        }
        for (String service : AUTOSCALED) {
            if (!autoscaled.contains(service)) {
                problems.add(service + ": has no HorizontalPodAutoscaler");
            }
        }
        Set<String> budgeted = new LinkedHashSet<>();
        for (Manifest m : manifests) {
            if (m.model() instanceof V1PodDisruptionBudget pdb) {
                Map<String, String> selector = pdb.getSpec().getSelector() == null ? null
                        : pdb.getSpec().getSelector().getMatchLabels();
                List<Manifest> targets = selector == null ? List.of() : workloadsMatching(selector);
                if (targets.isEmpty()) {
                    problems.add(m.id() + ": selects no workload's pods");
                }
                targets.forEach(t -> budgeted.add(t.name()));
            }
        }
        for (String service : SERVICES) {
            if (!budgeted.contains(service)) {
                problems.add(service + ": has no PodDisruptionBudget");
            }
        }
    }

    private void configMapsHoldNoSecrets() {
        for (Manifest m : manifests) {
            if (!(m.model() instanceof V1ConfigMap configMap) || configMap.getData() == null) {
                continue;
            }
            for (Map.Entry<String, String> entry : configMap.getData().entrySet()) {
                if (SECRET_NAME.matcher(entry.getKey()).matches()) {
                    problems.add(m.id() + ": key " + entry.getKey() + " looks like a secret; secrets go in Secrets");
                }
                if (SECRET_IN_VALUE.matcher(entry.getValue()).find()) {
                    problems.add(m.id() + ": " + entry.getKey() + " carries credentials in its value");
                }
            }
        }
    }

    /** The registry keeps its schemas in PostgreSQL (never its in-memory default), with credentials from a Secret. */
    private void apicurioOnPostgres() {
        for (Manifest m : manifests) {
            if (!(m.model() instanceof V1Deployment) || !"apicurio-registry".equals(m.name())) {
                continue;
            }
            V1Container container = m.as(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = environment(container);
            expect(m.id(), env, "APICURIO_STORAGE_KIND", "sql");
            expect(m.id(), env, "APICURIO_STORAGE_SQL_KIND", "postgresql");
            String url = env.get("APICURIO_DATASOURCE_URL");
            if (url == null || !url.startsWith("jdbc:postgresql://")) {
                problems.add(m.id() + ": APICURIO_DATASOURCE_URL is " + url + ", not a PostgreSQL JDBC URL");
            }
            expect(m.id(), env, "APICURIO_DATASOURCE_USERNAME", "<secret>");
            expect(m.id(), env, "APICURIO_DATASOURCE_PASSWORD", "<secret>");
            return;
        }
        problems.add("Deployment/apicurio-registry is missing");
    }

    /** The Secret of the registry's one writing user, and who may read it. */
    static final String REGISTRY_WRITER_SECRET = "registry-writer";
    static final Set<String> REGISTRY_WRITER_READERS = Set.of("Deployment/apicurio-registry", "Job/veltrix-schema-registration");

    /**
     * Only the registration step writes schemas: Apicurio authenticates writes (HTTP Basic, its one user's password
     * from Secret registry-writer, role-based authorization, anonymous reads), the registration Job has the user's
     * credentials, and no other workload reads that Secret.
     */
    private void registryWritesNeedTheRegistrar() {
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = m.model() == null ? Optional.empty() : podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            for (V1Container container : allContainers(template.get().getSpec())) {
                for (V1EnvVar var : nullToEmpty(container.getEnv())) {
                    var ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
                    if (ref != null && REGISTRY_WRITER_SECRET.equals(ref.getName()) && !REGISTRY_WRITER_READERS.contains(m.id())) {
                        problems.add(m.id() + " container " + container.getName() + ": " + var.getName() + " reads Secret "
                                + REGISTRY_WRITER_SECRET + ": only the registry and the schema registration Job may");
                    }
                }
                for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
                    if (source.getSecretRef() != null && REGISTRY_WRITER_SECRET.equals(source.getSecretRef().getName())
                            && !REGISTRY_WRITER_READERS.contains(m.id())) {
                        problems.add(m.id() + " container " + container.getName() + ": reads Secret "
                                + REGISTRY_WRITER_SECRET + ": only the registry and the schema registration Job may");
                    }
                }
                Map<String, String> env = environment(container);
                if ("Deployment/apicurio-registry".equals(m.id())) {
                    expect(m.id(), env, "QUARKUS_HTTP_AUTH_BASIC", "true");
                    expect(m.id(), env, "APICURIO_AUTH_ROLE_BASED_AUTHORIZATION", "true");
                    expect(m.id(), env, "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_REGISTRAR", "<secret>");
                    expect(m.id(), env, "QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_REGISTRAR", "sr-developer");
                    secretDocumented(m.id(), REGISTRY_WRITER_SECRET);
                } else if ("Job/veltrix-schema-registration".equals(m.id())) {
                    expect(m.id(), env, "VELTRIX_REGISTRY_WRITER_PASSWORD", "<secret>");
                }
            }
        }
    }

    private void expect(String id, Map<String, String> env, String name, String value) {
        if (!value.equals(env.get(name))) {
            problems.add(id + ": " + name + " is " + env.get(name) + ", expected " + value);
        }
    }

    // --- helpers ---

    /** The container's environment: ConfigMap values resolved, "&lt;secret&gt;" for values from Secrets. */
    private Map<String, String> environment(V1Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
            if (source.getConfigMapRef() != null) {
                V1ConfigMap configMap = configMaps.get(source.getConfigMapRef().getName());
                if (configMap != null && configMap.getData() != null) {
                    String prefix = source.getPrefix() == null ? "" : source.getPrefix();
                    configMap.getData().forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), "<secret>");
            } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = var.getValueFrom().getConfigMapKeyRef();
                V1ConfigMap configMap = configMaps.get(ref.getName());
                env.put(var.getName(), configMap == null || configMap.getData() == null ? "<missing>"
                        : configMap.getData().getOrDefault(ref.getKey(), "<missing>"));
            } else {
                env.put(var.getName(), "<field>");
            }
        }
        return env;
    }

    private void configMapExists(String where, String name) {
        if (!configMaps.containsKey(name)) {
            problems.add(where + ": refers to ConfigMap " + name + ", which is not in the manifests");
        }
    }

    private void secretDocumented(String where, String name) {
        if (!facts.kubernetesReadme().contains("`" + name + "`")) {
            problems.add(where + ": refers to Secret " + name + ", which deploy/kubernetes/README.md does not say how "
                    + "to create");
        }
    }

    private List<Manifest> workloadsMatching(Map<String, String> selector) {
        List<Manifest> matching = new ArrayList<>();
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = podTemplate(m);
            if (template.isPresent() && !(m.model() instanceof V1Job)) {
                Map<String, String> labels = template.get().getMetadata() == null ? null
                        : template.get().getMetadata().getLabels();
                if (labels != null && labels.entrySet().containsAll(selector.entrySet())) {
                    matching.add(m);
                }
            }
        }
        return matching;
    }

    static Optional<V1PodTemplateSpec> podTemplate(Manifest m) {
        if (m.model() instanceof V1Deployment d && d.getSpec() != null) {
            return Optional.ofNullable(d.getSpec().getTemplate());
        }
        if (m.model() instanceof V1StatefulSet s && s.getSpec() != null) {
            return Optional.ofNullable(s.getSpec().getTemplate());
        }
        if (m.model() instanceof V1Job j && j.getSpec() != null) {
            return Optional.ofNullable(j.getSpec().getTemplate());
        }
        return Optional.empty();
    }

    static List<V1Container> allContainers(V1PodSpec pod) {
        List<V1Container> all = new ArrayList<>(nullToEmpty(pod.getInitContainers()));
        all.addAll(nullToEmpty(pod.getContainers()));
        return all;
    }

    private static V1Probe probe(V1Container container, String kind) {
        return switch (kind) {
            case "startupProbe" -> container.getStartupProbe();
            case "livenessProbe" -> container.getLivenessProbe();
            case "readinessProbe" -> container.getReadinessProbe();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Integer resolvePort(IntOrString port, List<V1ContainerPort> ports) {
        if (port == null) {
            return null;
        }
        if (port.isInteger()) {
            return port.getIntValue();
        }
        for (V1ContainerPort declared : nullToEmpty(ports)) {
            if (port.getStrValue().equals(declared.getName())) {
                return declared.getContainerPort();
            }
        }
        return null;
    }

    /** Quarkus durations: ISO-8601 (PT20S), a number of seconds, or a number with ms, s, m, h or d. */
    static Duration quarkusDuration(String value) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        Matcher unit = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v.toLowerCase(Locale.ROOT));
        if (unit.matches()) {
            long n = Long.parseLong(unit.group(1));
            return switch (unit.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        return Duration.parse(v.startsWith("P") || v.startsWith("p") ? v : "PT" + v);
    }

    static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
