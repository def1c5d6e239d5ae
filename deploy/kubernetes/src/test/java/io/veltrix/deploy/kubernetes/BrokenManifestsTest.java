package io.veltrix.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.deploy.kubernetes.ManifestCheck.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken manifest fails the build: each test damages a copy of base/ and overlays/ in one way and runs the
 * same check CI runs on the real ones ({@link ManifestCheck#overlay}), which must name the damage.
 */
class BrokenManifestsTest {

    private static final ProjectFacts FACTS = ProjectFacts.fromBuild();

    @TempDir
    Path copy;

    @BeforeEach
    void copyManifests() throws IOException {
        for (String dir : List.of("base", "overlays")) {
            Path from = FACTS.kubernetesDir().resolve(dir);
            try (var paths = Files.walk(from)) {
                for (Path path : paths.toList()) {
                    Path to = copy.resolve(dir).resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(path, to);
                    }
                }
            }
        }
    }

    @Test
    void unknownField() {
        edit("base/ingest/deployment.yaml", "containerPort: 8081", "containerPortt: 8081");

        assertFails("prod", "containerPortt", "is not defined");
    }

    @Test
    void wrongType() {
        edit("overlays/prod/kustomization.yaml", "        value: 12\n", "        value: twelve\n");

        assertFails("prod", "HorizontalPodAutoscaler/ingest-service", "does not match the Kubernetes schema");
    }

    @Test
    void missingRequiredField() {
        edit("base/experiments/service.yaml", "      port: 8083\n", "");

        assertFails("prod", "Service/experiments-service", "required field `port`");
    }

    @Test
    void kindThatDoesNotExist() {
        edit("base/processor/pdb.yaml", "apiVersion: policy/v1", "apiVersion: policy/v1beta2");

        assertFails("prod", "no schema for apiVersion policy/v1beta2");
    }

    @Test
    void kustomizeCannotRender() {
        edit("overlays/prod/kustomization.yaml", "  - ingress.yaml\n", "  - ingress.yaml\n  - forgotten.yaml\n");

        assertFails("prod", "kubectl kustomize", "forgotten.yaml");
    }

    @Test
    void secretCommitted() {
        write("base/leak.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: veltrix-db
                stringData:
                  username: veltrix
                  password: hunter2
                """);
        edit("base/kustomization.yaml", "resources:\n", "resources:\n  - leak.yaml\n");

        assertFails("prod", "Secret/veltrix-db", "a Secret is committed");
    }

    @Test
    void passwordInline() {
        edit("base/processor/deployment.yaml", """
                            - name: VELTRIX_DB_PASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: veltrix-db
                                  key: password
                """, """
                            - name: VELTRIX_DB_PASSWORD
                              value: hunter2
                """);

        assertFails("prod", "VELTRIX_DB_PASSWORD has a literal value");
    }

    @Test
    void secretInConfigMap() {
        edit("base/kustomization.yaml", "      - VELTRIX_PULSAR_URL=",
                "      - VELTRIX_EXPERIMENTS_ADMIN_TOKEN=abc\n      - VELTRIX_PULSAR_URL=");

        assertFails("dev", "key VELTRIX_EXPERIMENTS_ADMIN_TOKEN looks like a secret");
    }

    @Test
    void probeMissing() {
        edit("base/processor/deployment.yaml", """
                          readinessProbe:
                            httpGet:
                              path: /q/health/ready
                              port: http
                            periodSeconds: 5
                            timeoutSeconds: 3
                            failureThreshold: 2
                """, "");

        assertFails("prod", "processor-service container processor-service: has no readinessProbe");
    }

    @Test
    void probeOnTheWrongPath() {
        edit("base/ingest/deployment.yaml", "path: /q/health/ready", "path: /health/ready");

        assertFails("prod", "readinessProbe asks /health/ready, the service answers on /q/health/ready");
    }

    @Test
    void limitsMissing() {
        edit("base/experiments/deployment.yaml", """
                            limits:
                              cpu: "1"
                              memory: 512Mi
                """, "");

        assertFails("prod", "experiments-service container experiments-service: has no cpu limit");
    }

    @Test
    void graceTooShortForTheShutdown() {
        edit("base/ingest/deployment.yaml", "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 20");

        assertFails("prod", "terminationGracePeriodSeconds 20 s is shorter than");
    }

    @Test
    void secretNobodyDocumented() {
        edit("base/experiments/deployment.yaml", "name: experiments-tokens", "name: experiments-tokens-v2");

        assertFails("prod", "refers to Secret experiments-tokens-v2", "does not say how to create");
    }

    @Test
    void writeKeysMountedSoThatRotationNeverArrives() {
        edit("base/ingest/deployment.yaml", "              mountPath: /etc/veltrix/write-keys\n",
                "              mountPath: /etc/veltrix/write-keys/write-keys.properties\n"
                        + "              subPath: write-keys.properties\n");

        assertFails("prod", "VELTRIX_INGEST_WRITE_KEYS_FILE=/etc/veltrix/write-keys/write-keys.properties is not inside");
    }

    @Test
    void registryOnItsInMemoryDefault() {
        edit("base/config/apicurio.env", "APICURIO_STORAGE_SQL_KIND=postgresql", "APICURIO_STORAGE_SQL_KIND=h2");

        assertFails("prod", "APICURIO_STORAGE_SQL_KIND is h2");
    }

    private void assertFails(String overlay, String... expected) {
        Report report = ManifestCheck.overlay(copy.resolve("overlays").resolve(overlay), FACTS);

        assertTrue(!report.problems().isEmpty(), "the damaged copy passed the check");
        String all = String.join("\n", report.problems());
        boolean named = report.problems().stream().anyMatch(p -> {
            for (String part : expected) {
                if (!p.contains(part)) {
                    return false;
                }
            }
            return true;
        });
        System.out.println("refused as expected (" + String.join(" / ", expected) + "):\n" + report.problemList());
        assertTrue(named, "no problem names " + List.of(expected) + "; problems:\n" + all);
    }

    private void edit(String file, String from, String to) {
        Path path = copy.resolve(file);
        String text = ProjectFacts.read(path);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " no longer contains the text this test damages: " + from);
        }
        write(file, text.replace(from, to));
    }

    private void write(String file, String text) {
        try {
            Files.writeString(copy.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
