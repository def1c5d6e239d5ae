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
        FACTS.copyManifestsInto(copy);
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
                                  name: processor-db
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
                              port: management
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

    // --- pod security ---

    @Test
    void serviceAccountTokenMounted() {
        edit("base/processor/deployment.yaml", "      automountServiceAccountToken: false\n", "");

        assertFails("prod", "Deployment/processor-service: automountServiceAccountToken is not false");
    }

    @Test
    void workloadAsTheDefaultServiceAccount() {
        edit("base/processor/deployment.yaml", "      serviceAccountName: processor-service\n", "");

        assertFails("prod", "Deployment/processor-service: runs as the namespace's default ServiceAccount");
    }

    @Test
    void twoWorkloadsShareAServiceAccount() {
        edit("base/ingest/deployment.yaml", "serviceAccountName: ingest-service", "serviceAccountName: processor-service");

        assertFails("dev", "shares ServiceAccount processor-service");
    }

    @Test
    void serviceAccountNobodyDeclared() {
        edit("base/experiments/deployment.yaml", "serviceAccountName: experiments-service", "serviceAccountName: experiments");

        assertFails("prod", "Deployment/experiments-service: ServiceAccount experiments is not declared");
    }

    @Test
    void serviceAccountWithAToken() {
        edit("base/service-accounts.yaml", "  name: apicurio-registry\nautomountServiceAccountToken: false",
                "  name: apicurio-registry\nautomountServiceAccountToken: true");

        assertFails("prod", "ServiceAccount/apicurio-registry: automountServiceAccountToken is not false");
    }

    @Test
    void registryWritesItsRootFilesystem() {
        edit("base/apicurio/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");

        assertFails("prod", "Deployment/apicurio-registry container apicurio-registry: readOnlyRootFilesystem is not true");
    }

    @Test
    void readOnlyRootWithoutATmp() {
        edit("base/apicurio/deployment.yaml", """
                          volumeMounts:
                            - name: tmp
                              mountPath: /tmp
                """, "");

        assertFails("prod", "Deployment/apicurio-registry container apicurio-registry", "no emptyDir at /tmp");
    }

    @Test
    void jobKeepsItsCapabilities() {
        edit("base/jobs/pulsar-setup.yaml", """
                            capabilities:
                              drop:
                                - ALL
                """, """
                            capabilities:
                              add:
                                - NET_RAW
                """);

        assertFails("prod", "Job/veltrix-pulsar-setup container pulsar-admin: capabilities do not drop ALL");
    }

    @Test
    void jobMayEscalate() {
        edit("base/jobs/schema-registration.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true");

        assertFails("prod", "Job/veltrix-schema-registration container schema-registrar: allowPrivilegeEscalation is not false");
    }

    @Test
    void devDatabaseWithoutSeccomp() {
        edit("overlays/dev/postgres.yaml", """
                        seccompProfile:
                          type: RuntimeDefault
                """, "");

        assertFails("dev", "StatefulSet/postgres container postgres: seccompProfile is not RuntimeDefault");
    }

    @Test
    void serviceMayRunAsRoot() {
        edit("base/ingest/deployment.yaml", "runAsNonRoot: true", "runAsNonRoot: false");

        assertFails("prod", "Deployment/ingest-service container ingest-service: runAsNonRoot is not true");
    }

    // --- Ingress: the tracking API only ---

    @Test
    void ingressRoutesAPrefix() {
        edit("overlays/prod/ingress.yaml", """
                          - path: /v1/track
                            pathType: Exact
                """, """
                          - path: /v1/track
                            pathType: Prefix
                """);

        assertFails("prod", "Ingress/ingest-service path /v1/track: pathType Prefix, not Exact");
    }

    @Test
    void ingressRoutesTheMetrics() {
        edit("overlays/prod/ingress.yaml", "          - path: /v1/import\n", """
                          - path: /q/metrics
                            pathType: Exact
                            backend:
                              service:
                                name: ingest-service
                                port:
                                  name: http
                          - path: /v1/import
                """);

        assertFails("prod", "Ingress/ingest-service path /q/metrics: is not a path of the tracking API");
    }

    // --- images ---

    @Test
    void prodImageByTagOnly() {
        edit("overlays/prod/kustomization.yaml", """
                    newName: registry.example.com/veltrix/processor-service
                    newTag: 0.1.0
                    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
                """, """
                    newName: registry.example.com/veltrix/processor-service
                    newTag: 0.1.0
                """);

        assertFails("prod", "Deployment/processor-service container processor-service: image "
                + "registry.example.com/veltrix/processor-service:0.1.0 is not pinned by digest");
    }

    // --- credentials ---

    @Test
    void databaseUserInline() {
        edit("base/experiments/deployment.yaml", """
                            - name: VELTRIX_DB_USERNAME
                              valueFrom:
                                secretKeyRef:
                                  name: experiments-db
                                  key: username
                """, """
                            - name: VELTRIX_DB_USERNAME
                              value: veltrix
                """);

        assertFails("prod", "experiments-service: VELTRIX_DB_USERNAME has a literal value");
    }

    // --- one database role per service ---

    @Test
    void experimentsServiceLogsInAsTheProcessor() {
        edit("base/experiments/deployment.yaml", """
                            - name: VELTRIX_DB_PASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: experiments-db
                """, """
                            - name: VELTRIX_DB_PASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: processor-db
                """);

        assertFails("prod", "Deployment/experiments-service container experiments-service: VELTRIX_DB_PASSWORD reads Secret "
                + "processor-db, another service's database login");
    }

    @Test
    void bothServicesShareOneLogin() {
        for (String service : List.of("processor", "experiments")) {
            String file = "base/" + service + "/deployment.yaml";
            edit(file, "name: " + service + "-db\n                  key: username\n            - name: VELTRIX_DB_PASSWORD",
                    "name: veltrix-db\n                  key: username\n            - name: VELTRIX_DB_PASSWORD");
            edit(file, "name: " + service + "-db\n                  key: password", "name: veltrix-db\n                  key: password");
        }

        assertFails("prod", "Deployment/processor-service: VELTRIX_DB_PASSWORD must come from key password of Secret "
                + "processor-db", "not password of veltrix-db");
        assertFails("prod", "Deployment/experiments-service: VELTRIX_DB_USERNAME must come from key username of Secret "
                + "experiments-db");
    }

    @Test
    void processorWithoutTheReaderOfItsContract() {
        edit("base/processor/deployment.yaml", """
                            - name: VELTRIX_DB_READER_ROLE
                              valueFrom:
                                secretKeyRef:
                                  name: experiments-db
                                  key: username
                """, "");

        assertFails("dev", "Deployment/processor-service: VELTRIX_DB_READER_ROLE must come from key username of Secret "
                + "experiments-db", "not elsewhere");
    }

    @Test
    void ingestReadsTheProcessorsDatabasePassword() {
        edit("base/ingest/deployment.yaml", "          env:\n", """
                          env:
                            - name: SOME_DB_PASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: processor-db
                                  key: password
                """);

        assertFails("prod", "Deployment/ingest-service container ingest-service: SOME_DB_PASSWORD reads Secret processor-db");
    }

    @Test
    void defaultUserInAConfigMap() {
        edit("base/config/apicurio.env", "APICURIO_STORAGE_KIND=sql", "APICURIO_STORAGE_KIND=sql\nAPICURIO_DATASOURCE_USER=veltrix");

        assertFails("dev", "key APICURIO_DATASOURCE_USER is a credential's user name");
    }

    @Test
    void tokenOnTheCommandLine() {
        edit("base/jobs/pulsar-setup.yaml", "            - /scripts/pulsar-setup.sh\n",
                "            - /scripts/pulsar-setup.sh\n            - --token=eyJhbGciOi\n");

        assertFails("prod", "Job/veltrix-pulsar-setup container pulsar-admin: a credential on the command line");
    }

    // --- Pulsar: one role per service, the superuser only for the setup Job ---

    @Test
    void ingestPublishesAsTheSuperuser() {
        edit("base/ingest/deployment.yaml", "                  name: pulsar-ingest-token", "                  name: pulsar-admin-token");

        assertFails("prod", "Deployment/ingest-service: reads Secret pulsar-admin-token, the Pulsar superuser's token");
        assertFails("prod", "Deployment/ingest-service: VELTRIX_PULSAR_TOKEN must come from key token of Secret "
                + "pulsar-ingest-token", "not token of pulsar-admin-token");
    }

    @Test
    void processorWithTheIngestRole() {
        edit("base/processor/deployment.yaml", "                  name: pulsar-processor-token",
                "                  name: pulsar-ingest-token");

        assertFails("dev", "Deployment/processor-service: reads Secret pulsar-ingest-token, another role's Pulsar token");
    }

    @Test
    void pulsarTokenInline() {
        edit("base/processor/deployment.yaml", """
                            - name: VELTRIX_PULSAR_TOKEN
                              valueFrom:
                                secretKeyRef:
                                  name: pulsar-processor-token
                                  key: token
                """, """
                            - name: VELTRIX_PULSAR_TOKEN
                              value: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2ZWx0cml4LXByb2Nlc3NvciJ9.c2lnbmF0dXJl
                """);

        assertFails("prod", "container processor-service: VELTRIX_PULSAR_TOKEN has a literal value");
    }

    @Test
    void experimentsServiceGetsAPulsarToken() {
        edit("base/experiments/deployment.yaml", "          env:\n", """
                          env:
                            - name: VELTRIX_PULSAR_TOKEN
                              valueFrom:
                                secretKeyRef:
                                  name: pulsar-ingest-token
                                  key: token
                """);

        assertFails("prod", "Deployment/experiments-service: sets VELTRIX_PULSAR_TOKEN, but experiments-service uses no Pulsar");
    }

    @Test
    void setupJobWithoutTheSuperusersToken() {
        edit("base/jobs/pulsar-setup.yaml", "            secretName: pulsar-admin-token", "            secretName: pulsar-token-key");

        assertFails("prod", "Job/veltrix-pulsar-setup: reads Secret pulsar-token-key, the key that signs every Pulsar token");
    }

    @Test
    void setupJobReadsItsTokenFromOutsideTheSecret() {
        edit("base/jobs/pulsar-setup.yaml", "              value: /etc/veltrix/pulsar-admin/token", "              value: /tmp/token");

        assertFails("prod", "Job/veltrix-pulsar-setup container pulsar-admin: VELTRIX_PULSAR_TOKEN_FILE has a literal value");
    }

    @Test
    void devPulsarWithoutAuthorization() {
        edit("overlays/dev/pulsar.yaml", """
                            - name: PULSAR_PREFIX_authorizationEnabled
                              value: "true"
                """, """
                            - name: PULSAR_PREFIX_authorizationEnabled
                              value: "false"
                """);

        assertFails("dev", "StatefulSet/pulsar: PULSAR_PREFIX_authorizationEnabled must be true");
    }

    @Test
    void devPulsarWithAServiceAsSuperuser() {
        edit("overlays/dev/pulsar.yaml", "              value: veltrix-admin\n", "              value: veltrix-admin,veltrix-ingest\n");

        assertFails("dev", "StatefulSet/pulsar: PULSAR_PREFIX_superUserRoles must be veltrix-admin");
    }

    // --- NetworkPolicies ---

    @Test
    void noDefaultDeny() {
        edit("base/network/default-deny.yaml", """
                  name: default-deny
                spec:
                  podSelector: {}
                  policyTypes:
                    - Ingress
                    - Egress
                """, """
                  name: default-deny
                spec:
                  podSelector: {}
                  policyTypes:
                    - Egress
                """);

        assertFails("prod", "no default-deny NetworkPolicy in namespace veltrix");
    }

    @Test
    void gameTrafficFromAnyNamespace() {
        edit("base/network/ingest-service.yaml", """
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: ingress-nginx
                          podSelector:
                            matchLabels:
                              app.kubernetes.io/name: ingress-nginx
                """, """
                        - namespaceSelector: {}
                """);

        assertFails("prod", "NetworkPolicies let stranger-elsewhere -> ingest-service:8081 through");
    }

    @Test
    void registrationJobCutOffFromTheRegistry() {
        edit("base/network/apicurio-registry.yaml", """
                        values:
                          - ingest-service
                          - processor-service
                          - veltrix-schema-registration
                  policyTypes:
                    - Egress
                """, """
                        values:
                          - ingest-service
                          - processor-service
                  policyTypes:
                    - Egress
                """);

        assertFails("prod", "NetworkPolicies block veltrix-schema-registration -> apicurio-registry:8080");
    }

    @Test
    void serviceProbedOnItsApiPort() {
        edit("base/ingest/deployment.yaml", """
                          readinessProbe:
                            httpGet:
                              path: /q/health/ready
                              port: management
                """, """
                          readinessProbe:
                            httpGet:
                              path: /q/health/ready
                              port: http
                """);

        assertFails("prod", "Deployment/ingest-service", "readinessProbe port", "is not the service's management port 9000");
    }

    @Test
    void serviceScrapedOnItsApiPort() {
        edit("base/network/processor-service.yaml", "        - port: management\n", "        - port: http\n");

        assertFails("prod", "NetworkPolicies let prometheus -> processor-service:8082 through");
    }

    @Test
    void managementInterfaceBehindAService() {
        edit("base/experiments/service.yaml", "      targetPort: http\n", "      targetPort: management\n");

        assertFails("prod", "Service/experiments-service", "exposes the management interface");
    }

    @Test
    void registryScrapedOnItsApiPort() {
        edit("base/network/apicurio-registry.yaml", "        - port: management\n", "        - port: http\n");

        assertFails("prod", "NetworkPolicies let prometheus -> apicurio-registry:8080 through");
    }

    @Test
    void databaseReachableOnAnyHost() {
        edit("base/network/postgres.yaml", """
                    - to:
                        - podSelector:
                            matchLabels:
                              cnpg.io/cluster: veltrix-pg
                      ports:
                """, """
                    - ports:
                """);

        assertFails("prod", "NetworkPolicies let processor-service -> stranger-elsewhere:5432 through");
    }

    @Test
    void dnsToAnyServer() {
        edit("base/network/default-deny.yaml", """
                    - to:
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: kube-system
                          podSelector:
                            matchLabels:
                              k8s-app: kube-dns
                      ports:
                """, """
                    - ports:
                """);

        assertFails("dev", "NetworkPolicies let ingest-service -> outside:53/UDP through");
    }

    @Test
    void devPulsarUnreachable() {
        edit("overlays/dev/kustomization.yaml", "      name: to-pulsar-broker|to-pulsar-admin\n", "      name: to-pulsar-admin\n");

        assertFails("dev", "NetworkPolicies block ingest-service -> pulsar:6650");
    }

    @Test
    void registryWithoutAuthentication() {
        edit("base/config/apicurio.env", "QUARKUS_HTTP_AUTH_BASIC=true\n", "");

        assertFails("prod", "Deployment/apicurio-registry", "QUARKUS_HTTP_AUTH_BASIC");
    }

    @Test
    void aServiceWithTheRegistryWritersPassword() {
        edit("base/processor/deployment.yaml", "            - secretRef:\n                name: processor-admin-token\n",
                "            - secretRef:\n                name: registry-writer\n            - secretRef:\n"
                        + "                name: processor-admin-token\n");

        assertFails("prod", "Deployment/processor-service", "reads Secret registry-writer");
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
