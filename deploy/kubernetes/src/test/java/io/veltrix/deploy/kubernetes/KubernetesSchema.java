package io.veltrix.deploy.kubernetes;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Strict validation of rendered manifests against the Kubernetes API schema.
 *
 * <p>The models of the official Kubernetes Java client are generated from the Kubernetes OpenAPI document, and
 * their JSON adapters validate what they read: a field the API does not define, a required field that is
 * missing, a value of the wrong type (an array for an object, text for an integer, a malformed quantity) are
 * refused with the field's name. Every document is read into the model of its {@code apiVersion}/{@code kind};
 * a kind outside {@link #MODELS} is refused too, so a typo in {@code apiVersion} cannot slip through unchecked.
 */
final class KubernetesSchema {

    /** The built-in kinds the manifests may use, by {@code apiVersion/kind}. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
            Map.entry("batch/v1/Job", V1Job.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class));

    /** DNS-1123 subdomain, the rule for most object names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private static final JSON API_JSON = new JSON();
    private static final Gson GSON = new Gson();

    private KubernetesSchema() {
    }

    /** One document of a render: its identity, the raw tree and the typed model (null when invalid). */
    record Manifest(String apiVersion, String kind, String name, Map<String, Object> raw, Object model) {

        String id() {
            return kind + "/" + name;
        }

        <T> T as(Class<T> type) {
            return type.cast(model);
        }
    }

    /** Splits a multi-document YAML stream, validating each document; problems are added to {@code problems}. */
    static List<Manifest> parse(String yaml, List<String> problems) {
        List<Manifest> manifests = new ArrayList<>();
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        int index = 0;
        for (Object document : parser.loadAll(yaml)) {
            index++;
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?> map)) {
                problems.add("document " + index + " is not a mapping");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = (Map<String, Object>) map;
            manifests.add(validate(raw, "document " + index, problems));
        }
        return manifests;
    }

    static Manifest validate(Map<String, Object> raw, String where, List<String> problems) {
        String apiVersion = String.valueOf(raw.get("apiVersion"));
        String kind = String.valueOf(raw.get("kind"));
        Object metadata = raw.get("metadata");
        String name = metadata instanceof Map<?, ?> meta && meta.get("name") != null ? meta.get("name").toString() : null;
        String label = kind + "/" + (name == null ? "(no name) " + where : name);
        if (name == null) {
            problems.add(label + ": metadata.name is missing");
        } else if (!NAME.matcher(name).matches()) {
            problems.add(label + ": metadata.name '" + name + "' is not a DNS-1123 name");
        }
        Class<?> type = MODELS.get(apiVersion + "/" + kind);
        if (type == null) {
            problems.add(label + ": no schema for apiVersion " + apiVersion + ", kind " + kind
                    + " (not one of the built-in kinds these manifests may use: " + MODELS.keySet() + ")");
            return new Manifest(apiVersion, kind, name, raw, null);
        }
        Object model = null;
        try {
            model = API_JSON.deserialize(GSON.toJson(raw), type);
        } catch (RuntimeException e) {
            problems.add(label + ": does not match the Kubernetes schema of " + apiVersion + " " + kind + ": "
                    + firstLine(e));
        }
        return new Manifest(apiVersion, kind, name, raw, model);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        return message.length() > 400 ? message.substring(0, 400) + "..." : message;
    }
}
