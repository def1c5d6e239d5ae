package io.veltrix.schemas.registry;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.client.RegistryClientFactory;
import io.apicurio.registry.client.common.RegistryClientOptions;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.models.CreateArtifact;
import io.apicurio.registry.rest.client.models.CreateRule;
import io.apicurio.registry.rest.client.models.CreateVersion;
import io.apicurio.registry.rest.client.models.IfArtifactExists;
import io.apicurio.registry.rest.client.models.Rule;
import io.apicurio.registry.rest.client.models.RuleType;
import io.apicurio.registry.rest.client.models.RuleViolationCause;
import io.apicurio.registry.rest.client.models.RuleViolationProblemDetails;
import io.apicurio.registry.rest.client.models.VersionContent;
import io.apicurio.registry.rest.client.models.VersionMetaData;
import io.apicurio.registry.rest.client.models.ProblemDetails;
import io.veltrix.schemas.EventCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * Registers the event catalogue in Apicurio: one artifact per record (record-name resolution: group =
 * namespace, artifact id = record name), each guarded by a BACKWARD compatibility rule and a FULL validity
 * rule. Idempotent: registering the same schemas again finds the existing versions (canonical comparison)
 * and changes nothing. An incompatible schema is refused by the registry and reported with its causes.
 *
 * <p>This is a deploy-time step (the local stack runs it at start-up; Kubernetes runs it as a Job): no
 * producer ever registers a schema at run time. It is also the only writer the registry accepts: it authenticates
 * with HTTP Basic as the registry's one user ({@link Writer}, role {@code sr-developer}); the services read anonymously.
 */
public final class SchemaRegistrar {

    /** The rules every artifact carries. */
    static final Map<RuleType, String> RULES = Map.of(
            RuleType.COMPATIBILITY, "BACKWARD",
            RuleType.VALIDITY, "FULL");

    private final RegistryClient client;

    public SchemaRegistrar(RegistryClient client) {
        this.client = client;
    }

    /**
     * Registers every schema of {@link EventCatalog#registeredSchemas()} at {@code registryUrl}
     * ({@code http://host:port/apis/registry/v3}). Returns one line per artifact saying what happened.
     *
     * @throws RegistrationException when the registry refuses a schema (the message says why)
     */
    public static List<String> registerAll(String registryUrl, Writer writer) {
        return register(registryUrl, writer, EventCatalog.registeredSchemas());
    }

    /** Registers {@code schemas} at {@code registryUrl} as {@code writer} (a client of its own, closed afterwards). */
    public static List<String> register(String registryUrl, Writer writer, List<Schema> schemas) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setUseDaemonThread(true));
        try {
            return new SchemaRegistrar(client(registryUrl, vertx, writer)).register(schemas);
        } finally {
            vertx.close();
        }
    }

    /** The registry's writing user (HTTP Basic): only the registration step holds its password. */
    public record Writer(String user, String password) {
        @Override
        public String toString() {
            return "Writer[" + user + "]";
        }
    }

    /** A registry client that writes as {@code writer}. */
    public static RegistryClient client(String registryUrl, Vertx vertx, Writer writer) {
        return RegistryClientFactory.create(RegistryClientOptions.create(registryUrl, vertx)
                .basicAuth(writer.user(), writer.password()));
    }

    /** Registers the given schemas, each as its own self-contained artifact. */
    public List<String> register(List<Schema> schemas) {
        List<String> report = new ArrayList<>();
        for (Schema schema : schemas) {
            try {
                report.add(register(schema));
            } catch (ApiException e) {
                if (e.getResponseStatusCode() == 401 || e.getResponseStatusCode() == 403) {
                    throw new RegistrationException(schema.getNamespace() + "/" + schema.getName() + ": the registry "
                            + "refused to let this user write (HTTP " + e.getResponseStatusCode() + "): only the "
                            + "registration user with its password may create versions or change rules", e);
                }
                throw e;
            }
        }
        return report;
    }

    String register(Schema schema) {
        String group = schema.getNamespace();
        String artifact = schema.getName();
        String coordinates = group + "/" + artifact;
        Optional<VersionMetaData> before = latest(group, artifact);
        if (before.isPresent()) {
            ensureRules(group, artifact); // guard the new version, if any, before it is created
        }
        VersionMetaData registered;
        try {
            registered = client.groups().byGroupId(group).artifacts().post(createArtifact(schema), config -> {
                config.queryParameters.ifExists = IfArtifactExists.FIND_OR_CREATE_VERSION;
                config.queryParameters.canonical = true;
            }).getVersion();
        } catch (RuleViolationProblemDetails e) {
            throw new RegistrationException(coordinates + ": the registry refused the new version: " + describe(e), e);
        } catch (ProblemDetails e) {
            throw new RegistrationException(coordinates + ": the registry refused the schema: " + e.getDetail(), e);
        }
        if (before.isEmpty()) {
            ensureRules(group, artifact);
            return coordinates + ": created, version " + registered.getVersion() + " (content id " + registered.getContentId() + ")";
        }
        if (before.get().getGlobalId().equals(registered.getGlobalId())) {
            return coordinates + ": unchanged, version " + registered.getVersion() + " (content id " + registered.getContentId() + ")";
        }
        if (Long.parseLong(registered.getVersion()) < Long.parseLong(before.get().getVersion())) {
            return coordinates + ": matches older version " + registered.getVersion() + "; latest stays " + before.get().getVersion();
        }
        return coordinates + ": new version " + registered.getVersion() + " (content id " + registered.getContentId() + ")";
    }

    private Optional<VersionMetaData> latest(String group, String artifact) {
        try {
            return Optional.of(client.groups().byGroupId(group).artifacts().byArtifactId(artifact)
                    .versions().byVersionExpression("branch=latest").get());
        } catch (ApiException e) {
            if (e.getResponseStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void ensureRules(String group, String artifact) {
        var rules = client.groups().byGroupId(group).artifacts().byArtifactId(artifact).rules();
        List<RuleType> existing = rules.get();
        for (Map.Entry<RuleType, String> wanted : RULES.entrySet()) {
            if (!existing.contains(wanted.getKey())) {
                CreateRule create = new CreateRule();
                create.setRuleType(wanted.getKey());
                create.setConfig(wanted.getValue());
                rules.post(create);
                continue;
            }
            var item = rules.byRuleType(wanted.getKey().getValue());
            if (!wanted.getValue().equals(item.get().getConfig())) {
                Rule rule = new Rule();
                rule.setRuleType(wanted.getKey());
                rule.setConfig(wanted.getValue());
                item.put(rule);
            }
        }
    }

    private static CreateArtifact createArtifact(Schema schema) {
        VersionContent content = new VersionContent();
        content.setContent(schema.toString(true));
        content.setContentType("application/json");
        CreateVersion version = new CreateVersion();
        version.setContent(content);
        CreateArtifact artifact = new CreateArtifact();
        artifact.setArtifactId(schema.getName());
        artifact.setArtifactType("AVRO");
        artifact.setName(schema.getName());
        artifact.setDescription(schema.getDoc());
        artifact.setFirstVersion(version);
        return artifact;
    }

    private static String describe(RuleViolationProblemDetails e) {
        String causes = e.getCauses() == null ? "" : e.getCauses().stream()
                .map(SchemaRegistrar::describe)
                .collect(Collectors.joining("; "));
        return e.getTitle() + (causes.isEmpty() ? "" : " [" + causes + "]");
    }

    private static String describe(RuleViolationCause cause) {
        return cause.getDescription() + " at " + cause.getContext();
    }

    /**
     * Command line: {@code SchemaRegistrar <registry url>}, the writer from env {@code VELTRIX_REGISTRY_WRITER_USER}
     * (default {@code registrar}) and {@code VELTRIX_REGISTRY_WRITER_PASSWORD}; exits 1 and says why when the
     * registry refuses.
     */
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : System.getenv().getOrDefault("VELTRIX_REGISTRY_URL",
                "http://localhost:8085/apis/registry/v3");
        String password = System.getenv("VELTRIX_REGISTRY_WRITER_PASSWORD");
        if (password == null || password.isBlank()) {
            System.err.println("schema registration failed: VELTRIX_REGISTRY_WRITER_PASSWORD is not set (the registry "
                    + "accepts writes from its registration user only)");
            System.exit(2);
        }
        Writer writer = new Writer(System.getenv().getOrDefault("VELTRIX_REGISTRY_WRITER_USER", "registrar"), password);
        try {
            registerAll(url, writer).forEach(System.out::println);
        } catch (RegistrationException e) {
            System.err.println("schema registration failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
