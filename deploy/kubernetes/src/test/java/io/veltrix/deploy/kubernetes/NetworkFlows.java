package io.veltrix.deploy.kubernetes;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1IPBlock;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the rendered NetworkPolicies allow, computed the way Kubernetes applies them, compared with the flows the
 * architecture needs, in both directions: a needed flow that is blocked and an allowed flow nobody needs both fail.
 *
 * <p>The pods are the overlay's workloads plus stand-ins for what lives elsewhere (the ingress controller,
 * Prometheus, the cluster DNS, the Pulsar brokers and bookies, the CloudNativePG instances and operator, a stranger in
 * this namespace and one in another, an address outside the cluster). Every pair is probed on every port any of
 * them declares and on one nobody declares (a rule "to anyone on 5432" shows as a flow to the stranger). A pod is isolated in a direction once a policy of that type
 * selects it; a flow passes when the sender's egress and the receiver's ingress both allow it (policies of other
 * namespaces are not ours: outside pods are not isolated). {@code ipBlock} peers match only the outside address.
 */
final class NetworkFlows {

    /** A port nobody declares: a rule that opens every port opens this one too. */
    static final Port UNDECLARED = new Port(65000, "TCP", null);

    /** Where the CloudNativePG Cluster's instances are when no PostgreSQL workload is rendered (prod). */
    static final String CNPG_CLUSTER = "veltrix-pg";

    record Port(int number, String protocol, String name) {

        @Override
        public String toString() {
            return number + ("TCP".equals(protocol) ? "" : "/" + protocol);
        }
    }

    /** A pod (or an outside address when {@code namespace} is null); {@code ours}: in the overlay's namespace. */
    record Pod(String name, String namespace, Map<String, String> labels, List<Port> ports, String ip, boolean ours) {
    }

    private final String namespace;
    private final List<V1NetworkPolicy> policies = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();

    private NetworkFlows(List<Manifest> manifests) {
        String ns = null;
        for (Manifest m : manifests) {
            if (m.model() instanceof V1NetworkPolicy policy) {
                policies.add(policy);
            }
            Object meta = m.raw().get("metadata");
            if (ns == null && meta instanceof Map<?, ?> map && map.get("namespace") != null) {
                ns = map.get("namespace").toString();
            }
        }
        this.namespace = ns == null ? "default" : ns;
        for (Manifest m : manifests) {
            Optional<V1PodTemplateSpec> template = ManifestRules.podTemplate(m);
            if (template.isEmpty() || template.get().getMetadata() == null) {
                continue;
            }
            Map<String, String> labels = Optional.ofNullable(template.get().getMetadata().getLabels()).orElse(Map.of());
            List<Port> ports = new ArrayList<>();
            for (V1Container container : template.get().getSpec().getContainers()) {
                for (V1ContainerPort p : ManifestRules.nullToEmpty(container.getPorts())) {
                    ports.add(new Port(p.getContainerPort(), p.getProtocol() == null ? "TCP" : p.getProtocol(), p.getName()));
                }
            }
            pods.add(new Pod(labels.getOrDefault("app.kubernetes.io/name", m.name()), namespace, labels, ports, null, true));
        }
        if (!workloadNamed("pulsar")) {
            pods.add(new Pod("pulsar-broker", "pulsar",
                    Map.of("app", "pulsar", "release", "pulsar", "component", "broker", "cluster", "pulsar"),
                    List.of(new Port(6650, "TCP", null), new Port(8080, "TCP", null)), null, false));
            pods.add(new Pod("pulsar-bookie", "pulsar",
                    Map.of("app", "pulsar", "release", "pulsar", "component", "bookie", "cluster", "pulsar"),
                    List.of(new Port(3181, "TCP", null)), null, false));
        }
        if (!workloadNamed("postgres")) {
            pods.add(new Pod(CNPG_CLUSTER, namespace,
                    Map.of("cnpg.io/cluster", CNPG_CLUSTER, "cnpg.io/podRole", "instance", "role", "primary"),
                    List.of(new Port(5432, "TCP", "postgresql"), new Port(8000, "TCP", "status"),
                            new Port(9187, "TCP", "metrics")), null, true));
        }
        pods.add(new Pod("ingress-controller", "ingress-nginx",
                Map.of("app.kubernetes.io/name", "ingress-nginx", "app.kubernetes.io/component", "controller"),
                List.of(new Port(80, "TCP", "http"), new Port(443, "TCP", "https")), null, false));
        pods.add(new Pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"),
                List.of(new Port(9090, "TCP", "web")), null, false));
        pods.add(new Pod("dashboards", "dashboards", Map.of("app.kubernetes.io/name", "oauth2-proxy"),
                List.of(new Port(4180, "TCP", "http")), null, false));
        pods.add(new Pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"),
                List.of(new Port(53, "UDP", "dns"), new Port(53, "TCP", "dns-tcp")), null, false));
        pods.add(new Pod("cnpg-operator", "cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg"),
                List.of(new Port(9443, "TCP", "webhook-server")), null, false));
        pods.add(new Pod("stranger-elsewhere", "default", Map.of("app", "stranger"),
                List.of(new Port(8080, "TCP", "http")), null, false));
        pods.add(new Pod("stranger-here", namespace, Map.of("app", "debug"),
                List.of(new Port(8080, "TCP", "http")), null, true));
        pods.add(new Pod("outside", null, Map.of(), List.of(new Port(443, "TCP", null), new Port(6443, "TCP", null),
                new Port(53, "UDP", null)), "203.0.113.10", false));
    }

    /**
     * The flows the architecture needs, as "sender -> receiver:port". PostgreSQL and Pulsar are the dev overlay's
     * pods when it renders them, else the CloudNativePG instances and the chart's brokers.
     */
    private Set<String> needed() {
        String pulsar = workloadNamed("pulsar") ? "pulsar" : "pulsar-broker";
        String postgres = workloadNamed("postgres") ? "postgres" : CNPG_CLUSTER;
        Set<String> flows = new LinkedHashSet<>(List.of(
                // game traffic, through the ingress controller only
                "ingress-controller -> ingest-service:8081",
                // people and tools: the experiments API and dashboard only
                "dashboards -> experiments-service:8083",
                // the console's data-quality page: experiments-service reads ingest's rejected-events summary
                "experiments-service -> ingest-service:8081",
                // metrics: the services' management interface (quarkus.management.port), never their API
                "prometheus -> ingest-service:9000",
                "prometheus -> processor-service:9000",
                "prometheus -> experiments-service:9000",
                "prometheus -> apicurio-registry:9000",
                // the schema catalogue
                "ingest-service -> apicurio-registry:8080",
                "processor-service -> apicurio-registry:8080",
                "veltrix-schema-registration -> apicurio-registry:8080",
                // Pulsar: clients on 6650, admin API on 8080
                "ingest-service -> " + pulsar + ":6650",
                "processor-service -> " + pulsar + ":6650",
                "processor-service -> " + pulsar + ":8080",
                "veltrix-pulsar-setup -> " + pulsar + ":8080",
                // PostgreSQL
                "processor-service -> " + postgres + ":5432",
                "experiments-service -> " + postgres + ":5432",
                "apicurio-registry -> " + postgres + ":5432"));
        for (Pod pod : pods) {
            if (pod.ours()) {
                flows.add(pod.name() + " -> kube-dns:53/UDP");
                flows.add(pod.name() + " -> kube-dns:53");
            }
        }
        if (workloadNamed("pulsar")) {
            // standalone talks to itself through its Service
            flows.add("pulsar -> pulsar:6650");
            flows.add("pulsar -> pulsar:8080");
        } else {
            for (int port : List.of(5432, 8000)) {
                flows.add(CNPG_CLUSTER + " -> " + CNPG_CLUSTER + ":" + port);
                flows.add("cnpg-operator -> " + CNPG_CLUSTER + ":" + port);
            }
            flows.add("prometheus -> " + CNPG_CLUSTER + ":9187");
            // the instance manager's Kubernetes API
            flows.add(CNPG_CLUSTER + " -> outside:443");
        }
        return flows;
    }

    /**
     * Flows that are allowed though no single one is needed, as patterns ("*" = any receiver or port): what a rule
     * cannot say more narrowly.
     */
    private List<String> tolerated() {
        if (workloadNamed("pulsar")) {
            // standalone's self-traffic: every port of its own pod
            return List.of("pulsar -> pulsar:*");
        }
        // the Kubernetes API server's address is the cluster's own: any receiver on 443/6443
        return List.of(CNPG_CLUSTER + " -> *:443", CNPG_CLUSTER + " -> *:6443");
    }

    private static boolean matchesPattern(String flow, String pattern) {
        String regex = Pattern.quote(pattern).replace("*", "\\E[^ :]+\\Q");
        return flow.matches(regex);
    }

    /** Adds to {@code problems} every needed flow the policies block and every flow they allow that nobody needs. */
    static void check(List<Manifest> manifests, List<String> problems) {
        NetworkFlows flows = new NetworkFlows(manifests);
        flows.defaultDeny(problems);
        Set<String> needed = flows.needed();
        List<String> tolerated = flows.tolerated();
        Set<String> allowed = flows.allowed();
        for (String flow : allowed) {
            if (!needed.contains(flow) && tolerated.stream().noneMatch(p -> matchesPattern(flow, p))) {
                problems.add("NetworkPolicies let " + flow + " through, which no flow of the architecture needs");
            }
        }
        for (String flow : needed) {
            if (!allowed.contains(flow)) {
                problems.add("NetworkPolicies block " + flow + ", which the architecture needs");
            }
        }
    }

    private void defaultDeny(List<String> problems) {
        for (V1NetworkPolicy policy : policies) {
            var spec = policy.getSpec();
            if (isEmpty(spec.getPodSelector()) && spec.getPolicyTypes() != null
                    && spec.getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                    && ManifestRules.nullToEmpty(spec.getIngress()).isEmpty()
                    && ManifestRules.nullToEmpty(spec.getEgress()).isEmpty()) {
                return;
            }
        }
        problems.add("no default-deny NetworkPolicy in namespace " + namespace
                + " (podSelector {}, policyTypes Ingress and Egress, no rules)");
    }

    /** Every "sender -> receiver:port" the policies let through, where sender or receiver is in our namespace. */
    private Set<String> allowed() {
        Set<String> allowed = new LinkedHashSet<>();
        Set<Port> probes = new LinkedHashSet<>();
        for (Pod pod : pods) {
            for (Port port : pod.ports()) {
                probes.add(new Port(port.number(), port.protocol(), null));
            }
        }
        probes.add(UNDECLARED);
        for (Pod from : pods) {
            for (Pod to : pods) {
                if (!from.ours() && !to.ours()) {
                    continue;
                }
                for (Port probe : probes) {
                    // a named port is named on the receiver
                    Port port = to.ports().stream()
                            .filter(p -> p.number() == probe.number() && p.protocol().equals(probe.protocol()))
                            .findFirst().orElse(probe);
                    if (allows(from, to, port)) {
                        allowed.add(from.name() + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }
        return allowed;
    }

    private boolean allows(Pod from, Pod to, Port port) {
        boolean egress = !from.ours() || allowsEgress(from, to, port);
        boolean ingress = !to.ours() || allowsIngress(to, from, port);
        return egress && ingress;
    }

    private boolean allowsEgress(Pod from, Pod to, Port port) {
        boolean isolated = false;
        for (V1NetworkPolicy policy : policies) {
            if (!selects(policy, from) || !types(policy).contains("Egress")) {
                continue;
            }
            isolated = true;
            for (var rule : ManifestRules.nullToEmpty(policy.getSpec().getEgress())) {
                if (peersMatch(rule.getTo(), to) && portsMatch(rule.getPorts(), to, port)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private boolean allowsIngress(Pod to, Pod from, Port port) {
        boolean isolated = false;
        for (V1NetworkPolicy policy : policies) {
            if (!selects(policy, to) || !types(policy).contains("Ingress")) {
                continue;
            }
            isolated = true;
            for (var rule : ManifestRules.nullToEmpty(policy.getSpec().getIngress())) {
                if (peersMatch(rule.getFrom(), from) && portsMatch(rule.getPorts(), to, port)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private boolean selects(V1NetworkPolicy policy, Pod pod) {
        String policyNamespace = policy.getMetadata().getNamespace() == null ? namespace : policy.getMetadata().getNamespace();
        return pod.ours() && policyNamespace.equals(pod.namespace()) && matches(policy.getSpec().getPodSelector(), pod.labels());
    }

    /** Without policyTypes, a policy is an Ingress policy, and an Egress one too when it has egress rules. */
    private static List<String> types(V1NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return policy.getSpec().getEgress() == null ? List.of("Ingress") : List.of("Ingress", "Egress");
    }

    /** No peers: everyone. */
    private boolean peersMatch(List<V1NetworkPolicyPeer> peers, Pod pod) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (V1NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                if (pod.ip() != null && inBlock(pod.ip(), peer.getIpBlock())) {
                    return true;
                }
                continue;
            }
            if (pod.namespace() == null) {
                continue;
            }
            boolean namespaceMatches = peer.getNamespaceSelector() == null ? namespace.equals(pod.namespace())
                    : matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", pod.namespace()));
            boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    /** No ports: every port. A named port is the receiver's container port of that name. */
    private static boolean portsMatch(List<V1NetworkPolicyPort> ports, Pod to, Port port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (V1NetworkPolicyPort rule : ports) {
            String protocol = rule.getProtocol() == null ? "TCP" : rule.getProtocol();
            if (!protocol.equals(port.protocol())) {
                continue;
            }
            IntOrString wanted = rule.getPort();
            if (wanted == null) {
                return true;
            }
            if (wanted.isInteger()) {
                int end = rule.getEndPort() == null ? wanted.getIntValue() : rule.getEndPort();
                if (port.number() >= wanted.getIntValue() && port.number() <= end) {
                    return true;
                }
            } else if (wanted.getStrValue().equals(port.name())
                    && to.ports().stream().anyMatch(p -> wanted.getStrValue().equals(p.name()))) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e : Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()).entrySet()) {
            if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        for (V1LabelSelectorRequirement r : ManifestRules.nullToEmpty(selector.getMatchExpressions())) {
            String value = labels.get(r.getKey());
            List<String> values = ManifestRules.nullToEmpty(r.getValues());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(V1LabelSelector selector) {
        return selector == null || (ManifestRules.nullToEmpty(selector.getMatchExpressions()).isEmpty()
                && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()));
    }

    private static boolean inBlock(String ip, V1IPBlock block) {
        if (!inCidr(ip, block.getCidr())) {
            return false;
        }
        return ManifestRules.nullToEmpty(block.getExcept()).stream().noneMatch(except -> inCidr(ip, except));
    }

    /** IPv4 only: the outside stand-in is an IPv4 address. */
    private static boolean inCidr(String ip, String cidr) {
        if (!cidr.contains(".")) {
            return false;
        }
        String[] parts = cidr.split("/");
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(ip) & mask) == (ipv4(parts[0]) & mask);
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String octet : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(octet);
        }
        return value;
    }

    private boolean workloadNamed(String name) {
        return pods.stream().anyMatch(p -> p.ours() && p.name().equals(name) && p.ip() == null
                && !p.name().startsWith("stranger"));
    }

    /** For the tests' output: which flows each sender has. */
    static Map<String, List<String>> describe(List<Manifest> manifests) {
        Map<String, List<String>> bySender = new LinkedHashMap<>();
        for (String flow : new NetworkFlows(manifests).allowed()) {
            String sender = flow.substring(0, flow.indexOf(" -> "));
            bySender.computeIfAbsent(sender, k -> new ArrayList<>()).add(flow.substring(flow.indexOf(" -> ") + 4));
        }
        return bySender;
    }
}
