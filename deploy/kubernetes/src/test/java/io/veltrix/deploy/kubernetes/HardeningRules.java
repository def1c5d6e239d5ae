package io.veltrix.deploy.kubernetes;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The hardening rules: every pod runs without an API token, as non-root, with the runtime's seccomp profile, a
 * read-only root filesystem (an emptyDir for /tmp), no privilege escalation and no capabilities; the public Ingress
 * routes the tracking API's exact paths and nothing else; production images are pinned by digest; no credential
 * (user name included) is a literal.
 */
final class HardeningRules {

    /** The service game clients reach through the Ingress, and the one port they reach. */
    static final String PUBLIC_SERVICE = "ingest-service";
    /** {@code name:tag@sha256:<64 hex>}: a tag for people, the digest for the kubelet. */
    static final Pattern PINNED = Pattern.compile(".+@sha256:[0-9a-f]{64}");
    /** The other half of a credential: a user name is never a literal either. */
    static final Pattern USER_NAME = Pattern.compile("(?i).*(_USER|_USERNAME|_LOGIN)$");
    /** A password or token handed over on a command line (visible in the process list and the pod spec). */
    static final Pattern SECRET_ARGUMENT = Pattern.compile("(?i)(--?(password|passwd|token|secret)[= ]\\S|://[^/\\s:@]+:[^/\\s@]+@)");

    private final String overlay;
    private final List<Manifest> manifests;
    private final ProjectFacts facts;
    private final List<String> problems;

    private HardeningRules(String overlay, List<Manifest> manifests, ProjectFacts facts, List<String> problems) {
        this.overlay = overlay;
        this.manifests = manifests;
        this.facts = facts;
        this.problems = problems;
    }

    static void check(String overlay, List<Manifest> manifests, ProjectFacts facts, List<String> problems) {
        HardeningRules rules = new HardeningRules(overlay, manifests, facts, problems);
        rules.podSecurity();
        rules.serviceAccountPerWorkload();
        rules.ingressRoutesOnlyThePublicApi();
        rules.imagesPinnedInProd();
        rules.noLiteralCredentials();
    }

    /**
     * Every workload runs as a ServiceAccount of its own, declared in the same render without a token for its pods;
     * none as the namespace's {@code default}, no two share one (RBAC and cloud identities could not tell them apart).
     */
    private void serviceAccountPerWorkload() {
        Map<String, Boolean> accounts = new HashMap<>();
        for (Manifest m : manifests) {
            if ("ServiceAccount".equals(m.kind())) {
                accounts.put(m.name(), Boolean.FALSE.equals(m.raw().get("automountServiceAccountToken")));
            }
        }
        Map<String, String> users = new HashMap<>();
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            String account = template.get().getSpec().getServiceAccountName();
            if (account == null || account.isBlank() || "default".equals(account)) {
                problems.add(m.id() + ": runs as the namespace's default ServiceAccount (serviceAccountName: one of its own, "
                        + "see base/service-accounts.yaml)");
                continue;
            }
            if (!accounts.containsKey(account)) {
                problems.add(m.id() + ": ServiceAccount " + account + " is not declared in the manifests");
            } else if (!accounts.get(account)) {
                problems.add("ServiceAccount/" + account + ": automountServiceAccountToken is not false");
            }
            String other = users.putIfAbsent(account, m.id());
            if (other != null) {
                problems.add(m.id() + ": shares ServiceAccount " + account + " with " + other + " (one per workload)");
            }
        }
    }

    private void podSecurity() {
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            V1PodSpec pod = template.get().getSpec();
            if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
                problems.add(m.id() + ": automountServiceAccountToken is not false (the pod would carry a Kubernetes API "
                        + "token it never uses)");
            }
            V1PodSecurityContext podContext = pod.getSecurityContext();
            for (V1Container container : ManifestRules.allContainers(pod)) {
                String where = m.id() + " container " + container.getName();
                V1SecurityContext c = container.getSecurityContext();
                Boolean nonRoot = c != null && c.getRunAsNonRoot() != null ? c.getRunAsNonRoot()
                        : podContext == null ? null : podContext.getRunAsNonRoot();
                if (!Boolean.TRUE.equals(nonRoot)) {
                    problems.add(where + ": runAsNonRoot is not true");
                }
                V1SeccompProfile seccomp = c != null && c.getSeccompProfile() != null ? c.getSeccompProfile()
                        : podContext == null ? null : podContext.getSeccompProfile();
                if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
                    problems.add(where + ": seccompProfile is not RuntimeDefault");
                }
                if (c == null) {
                    problems.add(where + ": has no securityContext (allowPrivilegeEscalation: false, "
                            + "readOnlyRootFilesystem: true, capabilities.drop: [ALL])");
                    continue;
                }
                if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (Boolean.TRUE.equals(c.getPrivileged())) {
                    problems.add(where + ": is privileged");
                }
                if (c.getCapabilities() == null || !ManifestRules.nullToEmpty(c.getCapabilities().getDrop()).contains("ALL")) {
                    problems.add(where + ": capabilities do not drop ALL");
                } else if (!ManifestRules.nullToEmpty(c.getCapabilities().getAdd()).isEmpty()) {
                    problems.add(where + ": adds capabilities " + c.getCapabilities().getAdd());
                }
                if (!Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": readOnlyRootFilesystem is not true");
                } else if (!ManifestRules.nullToEmpty(pod.getInitContainers()).contains(container)
                        && !writableTmp(pod, container)) {
                    problems.add(where + ": has a read-only root filesystem but no emptyDir at /tmp (the JVM, Quarkus "
                            + "and Apicurio write there)");
                }
            }
        }
    }

    private static boolean writableTmp(V1PodSpec pod, V1Container container) {
        for (V1VolumeMount mount : ManifestRules.nullToEmpty(container.getVolumeMounts())) {
            if (!"/tmp".equals(mount.getMountPath()) || Boolean.TRUE.equals(mount.getReadOnly())) {
                continue;
            }
            for (V1Volume volume : ManifestRules.nullToEmpty(pod.getVolumes())) {
                if (volume.getName().equals(mount.getName()) && volume.getEmptyDir() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Every Ingress path is an Exact path of the tracking API ({@link ProjectFacts#publicPaths}) on the public
     * service: a Prefix such as {@code /} or {@code /v1} would also route whatever the service adds under it, and
     * /q/metrics, /q/health, /q/openapi, /q/swagger-ui and /admin/v1 answer on the same port.
     */
    private void ingressRoutesOnlyThePublicApi() {
        Set<String> publicPaths = facts.publicPaths(PUBLIC_SERVICE);
        for (Manifest m : manifests) {
            if (!(m.model() instanceof V1Ingress ingress) || ingress.getSpec() == null) {
                continue;
            }
            if (ingress.getSpec().getDefaultBackend() != null) {
                problems.add(m.id() + ": has a defaultBackend (every path would reach it)");
            }
            Set<String> routed = new TreeSet<>();
            for (V1IngressRule rule : ManifestRules.nullToEmpty(ingress.getSpec().getRules())) {
                if (rule.getHttp() == null) {
                    continue;
                }
                for (V1HTTPIngressPath path : rule.getHttp().getPaths()) {
                    String where = m.id() + " path " + path.getPath();
                    if (!"Exact".equals(path.getPathType())) {
                        problems.add(where + ": pathType " + path.getPathType() + ", not Exact (a prefix also routes "
                                + "what the service answers below it)");
                    }
                    if (!publicPaths.contains(path.getPath())) {
                        problems.add(where + ": is not a path of the tracking API " + publicPaths);
                    }
                    var backend = path.getBackend().getService();
                    if (backend == null || !PUBLIC_SERVICE.equals(backend.getName())) {
                        problems.add(where + ": routes to " + (backend == null ? "a resource" : backend.getName())
                                + ", not " + PUBLIC_SERVICE);
                    }
                    routed.add(path.getPath());
                }
            }
            for (String path : publicPaths) {
                if (!routed.contains(path)) {
                    problems.add(m.id() + ": does not route " + path + " of the tracking API");
                }
            }
        }
    }

    /** prod runs exactly the bytes the release tested; dev may use tags (checked: fixed, not latest). */
    private void imagesPinnedInProd() {
        if (!"prod".equals(overlay)) {
            return;
        }
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            for (V1Container container : ManifestRules.allContainers(template.get().getSpec())) {
                if (container.getImage() == null || !PINNED.matcher(container.getImage()).matches()) {
                    problems.add(m.id() + " container " + container.getName() + ": image " + container.getImage()
                            + " is not pinned by digest (@sha256:<64 hex>; overlays/prod/kustomization.yaml, images:)");
                }
            }
        }
    }

    /** A digest of 64 zeros: the committed placeholder of the prod overlay, which no image has. */
    static final Pattern PLACEHOLDER_DIGEST = Pattern.compile(".+@sha256:0{64}");

    /**
     * The release check (not part of every build: the committed prod overlay carries placeholders until a release
     * fills in the pushed images' digests): every image of the render is pinned by a real digest.
     */
    static List<String> placeholderDigests(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            for (V1Container container : ManifestRules.allContainers(template.get().getSpec())) {
                if (container.getImage() != null && PLACEHOLDER_DIGEST.matcher(container.getImage()).matches()) {
                    problems.add(m.id() + " container " + container.getName() + ": image " + container.getImage()
                            + " still has the placeholder digest (set the pushed image's digest in overlays/prod/kustomization.yaml)");
                }
            }
        }
        return problems;
    }

    private void noLiteralCredentials() {
        for (Manifest m : manifests) {
            if (m.model() instanceof V1ConfigMap configMap && configMap.getData() != null) {
                for (Map.Entry<String, String> entry : configMap.getData().entrySet()) {
                    if (USER_NAME.matcher(entry.getKey()).matches()) {
                        problems.add(m.id() + ": key " + entry.getKey() + " is a credential's user name; it comes from "
                                + "the same Secret as the password");
                    }
                }
            }
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty()) {
                continue;
            }
            for (V1Container container : ManifestRules.allContainers(template.get().getSpec())) {
                String where = m.id() + " container " + container.getName();
                for (V1EnvVar var : ManifestRules.nullToEmpty(container.getEnv())) {
                    if (var.getValue() != null && USER_NAME.matcher(var.getName()).matches()) {
                        problems.add(where + ": " + var.getName() + " has a literal value; a credential's user name "
                                + "comes from the same Secret as the password (valueFrom.secretKeyRef)");
                    }
                }
                List<String> commandLine = new ArrayList<>(ManifestRules.nullToEmpty(container.getCommand()));
                commandLine.addAll(ManifestRules.nullToEmpty(container.getArgs()));
                for (String argument : commandLine) {
                    if (SECRET_ARGUMENT.matcher(argument).find()) {
                        problems.add(where + ": a credential on the command line: " + argument);
                    }
                }
            }
        }
    }
}
