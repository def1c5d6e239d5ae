package io.veltrix.deploy.kubernetes;

import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What CI runs on an overlay: render it with kustomize, validate every object against the Kubernetes schema,
 * then (when the schema is satisfied) check the project's rules. The broken-manifest tests run the very same
 * path on a damaged copy.
 */
final class ManifestCheck {

    private ManifestCheck() {
    }

    /** The outcome for one overlay: what was rendered and everything wrong with it (empty when all is well). */
    record Report(Path overlay, List<Manifest> manifests, List<String> problems) {

        /** "12 objects: ConfigMap 7, Deployment 4, ..." */
        String summary() {
            Map<String, Long> byKind = manifests.stream()
                    .collect(Collectors.groupingBy(Manifest::kind, TreeMap::new, Collectors.counting()));
            return manifests.size() + " objects: " + byKind.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        }

        String problemList() {
            return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
        }
    }

    static Report overlay(Path overlayDir, ProjectFacts facts) {
        List<String> problems = new ArrayList<>();
        String yaml;
        try {
            yaml = Kubectl.kustomize(overlayDir);
        } catch (Kubectl.RenderException e) {
            problems.add(e.getMessage());
            return new Report(overlayDir, List.of(), problems);
        }
        List<Manifest> manifests = KubernetesSchema.parse(yaml, problems);
        // the rules read the typed objects: on a schema violation they would only add echoes of it
        if (problems.isEmpty()) {
            ManifestRules.check(overlayDir.getFileName().toString(), manifests, facts, problems);
        }
        return new Report(overlayDir, manifests, problems);
    }
}
