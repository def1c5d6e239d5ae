package io.veltrix.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.deploy.kubernetes.KubernetesSchema.Manifest;
import io.veltrix.deploy.kubernetes.ManifestCheck.Report;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each overlay renders with kustomize, matches the Kubernetes schema object by object and follows our rules. */
class OverlaysTest {

    private static final ProjectFacts FACTS = ProjectFacts.fromBuild();

    @ParameterizedTest(name = "overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void overlayIsValid(String overlay) {
        Report report = ManifestCheck.overlay(FACTS.kubernetesDir().resolve("overlays").resolve(overlay), FACTS);

        System.out.println("overlays/" + overlay + ": " + report.summary() + "; problems: " + report.problems().size());
        if (report.problems().isEmpty()) {
            NetworkFlows.describe(report.manifests()).forEach((sender, receivers) ->
                    System.out.println("  " + sender + " -> " + String.join(", ", receivers)));
        }
        assertTrue(report.problems().isEmpty(), "overlays/" + overlay + " has problems:\n" + report.problemList());
    }

    @Test
    void prodHasEveryPieceInItsNamespace() {
        Report report = ManifestCheck.overlay(FACTS.kubernetesDir().resolve("overlays").resolve("prod"), FACTS);

        assertEquals(Set.of("ingest-service", "processor-service", "experiments-service", "apicurio-registry"),
                names(report, "Deployment"));
        assertEquals(Set.of("ingest-service", "processor-service"), names(report, "HorizontalPodAutoscaler"));
        assertEquals(Set.of("ingest-service", "processor-service", "experiments-service", "apicurio-registry"),
                names(report, "PodDisruptionBudget"));
        assertEquals(Set.of("veltrix-schema-registration", "veltrix-pulsar-setup"), names(report, "Job"));
        assertEquals(Set.of(), names(report, "Secret"));
        for (Manifest m : report.manifests()) {
            Object namespace = ((Map<?, ?>) m.raw().get("metadata")).get("namespace");
            assertEquals("veltrix", namespace, m.id() + " namespace");
        }
    }

    @Test
    void kustomizeIsARealOne() {
        String version = Kubectl.clientVersion();

        System.out.println(Kubectl.binary() + ":\n" + version);
        assertTrue(version.contains("Kustomize Version: v5."), version);
    }

    private static Set<String> names(Report report, String kind) {
        return report.manifests().stream().filter(m -> m.kind().equals(kind)).map(Manifest::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
