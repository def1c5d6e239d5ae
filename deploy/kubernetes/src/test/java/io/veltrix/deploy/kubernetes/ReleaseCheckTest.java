package io.veltrix.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.deploy.kubernetes.ManifestCheck.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release check: the prod overlay must not reach a cluster with a placeholder digest (64 zeros). The committed
 * overlay carries placeholders until a release fills in the pushed images' digests, so every build checks the check
 * (on copies), and the release job runs it on the real overlay:
 * {@code ./mvnw -B -pl deploy/kubernetes verify -Dveltrix.release=true} before {@code kubectl apply}.
 */
class ReleaseCheckTest {

    private static final ProjectFacts FACTS = ProjectFacts.fromBuild();
    private static final String REAL = "sha256:" + "4f".repeat(32);

    @TempDir
    Path copy;

    @BeforeEach
    void copyManifests() throws IOException {
        FACTS.copyManifestsInto(copy);
    }

    @Test
    void refusesEachPlaceholderAndPassesRealDigests() throws IOException {
        Path kustomization = copy.resolve("overlays/prod/kustomization.yaml");
        String real = Files.readString(kustomization).replaceAll("digest: sha256:[0-9a-f]{64}", "digest: " + REAL);
        Files.writeString(kustomization, real, StandardCharsets.UTF_8);
        Report released = ManifestCheck.overlay(copy.resolve("overlays/prod"), FACTS);
        assertEquals(List.of(), released.problems());
        assertEquals(List.of(), HardeningRules.placeholderDigests(released.manifests()));

        // one image left at its placeholder: named, and only it
        String oneLeft = real.replace("""
                    newName: registry.example.com/veltrix/processor-service
                    newTag: 0.1.0
                    digest: %s
                """.formatted(REAL), """
                    newName: registry.example.com/veltrix/processor-service
                    newTag: 0.1.0
                    digest: sha256:%s
                """.formatted("0".repeat(64)));
        assertTrue(!oneLeft.equals(real), "the processor's image entry changed shape");
        Files.writeString(kustomization, oneLeft, StandardCharsets.UTF_8);
        Report forgotten = ManifestCheck.overlay(copy.resolve("overlays/prod"), FACTS);
        assertEquals(List.of(), forgotten.problems(), "a placeholder is a valid pin for every build");
        List<String> refused = HardeningRules.placeholderDigests(forgotten.manifests());
        assertEquals(1, refused.size(), String.valueOf(refused));
        assertTrue(refused.get(0).startsWith("Deployment/processor-service container processor-service: image "
                + "registry.example.com/veltrix/processor-service:0.1.0@sha256:000"), refused.get(0));
    }

    @Test
    @EnabledIfSystemProperty(named = "veltrix.release", matches = "true")
    void theProdOverlayIsReadyToRelease() {
        Report prod = ManifestCheck.overlay(FACTS.kubernetesDir().resolve("overlays/prod"), FACTS);
        assertEquals(List.of(), prod.problems());
        assertEquals(List.of(), HardeningRules.placeholderDigests(prod.manifests()));
    }
}
