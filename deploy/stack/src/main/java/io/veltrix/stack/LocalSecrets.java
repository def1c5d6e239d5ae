package io.veltrix.stack;

import io.veltrix.schemas.registry.SchemaRegistrar;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The local platform's credentials: a write key for the ingest API, the experiments API's tokens, the embedded
 * PostgreSQL's passwords (one role per service, Apicurio's role, and the superuser the stack administers it with), the
 * password of the one registry user that may write schemas (the registration step's), and the secret key that
 * signs the Pulsar tokens ({@link PulsarTokens}: derived from it at every start, never stored).
 * A blank or missing entry is generated at the next start; the stack sets every role's password to the file's at each
 * start, so rotating one is: change (or delete) its line, restart.
 * Generated once per instance, kept (owner-readable only) in {@code <instance>/secrets.properties}, printed by
 * {@code ./veltrix up}, and given to the services as environment variables. Never committed.
 */
public final class LocalSecrets {

    public static final String WRITE_KEY = "write-key";
    public static final String ADMIN_TOKEN = "admin-token";
    public static final String READ_TOKEN = "read-token";
    /** The experiments API's SDK key (role sdk): shipped in game clients, reads assignments and the SDK payload only. */
    public static final String SDK_KEY = "sdk-key";
    /** Password of processor-service's database role ({@link DbConfig#PROCESSOR_USER}) on the embedded PostgreSQL. */
    public static final String DB_PROCESSOR_PASSWORD = "db-processor-password";
    /** Password of experiments-service's database role ({@link DbConfig#EXPERIMENTS_USER}). */
    public static final String DB_EXPERIMENTS_PASSWORD = "db-experiments-password";
    /** Password of Apicurio Registry's database role ({@link DbConfig#REGISTRY_USER}). */
    public static final String DB_REGISTRY_PASSWORD = "db-registry-password";
    /** The password of the one role both services shared before (removed with that role at the next start). */
    static final String LEGACY_DB_PASSWORD = "db-password";
    /** Password of the embedded PostgreSQL's superuser ({@link DbConfig#ADMIN_USER}), used by the stack only. */
    public static final String DB_ADMIN_PASSWORD = "db-admin-password";
    /**
     * Password of {@link #REGISTRY_WRITER}, the only Apicurio Registry user (role {@code sr-developer}): the schema
     * registration step creates versions and sets artifact rules with it; everybody else reads anonymously.
     */
    public static final String REGISTRY_WRITER_PASSWORD = "registry-writer-password";
    /** The registry user of the registration step (HTTP Basic). */
    public static final String REGISTRY_WRITER = "registrar";
    /**
     * Pulsar's token secret key (HS256, {@value PulsarTokens#SECRET_KEY_BYTES} random bytes, base64): the broker checks
     * tokens with it and the stack signs each role's token with it. A new key makes every old token invalid.
     */
    public static final String PULSAR_TOKEN_SECRET_KEY = "pulsar-token-secret-key";
    /** The source (game) the local write key belongs to. */
    public static final String SOURCE = "treasure-hunt";

    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> values;

    private LocalSecrets(Map<String, String> values) {
        this.values = values;
    }

    /** The instance's secrets, created on first use. */
    public static synchronized LocalSecrets of(Path instanceDir) {
        Path file = instanceDir.resolve("secrets.properties");
        Properties properties = new Properties();
        try {
            if (Files.isRegularFile(file)) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
            }
            boolean changed = properties.remove(LEGACY_DB_PASSWORD) != null;
            for (String name : new String[] {WRITE_KEY, ADMIN_TOKEN, READ_TOKEN, SDK_KEY, DB_PROCESSOR_PASSWORD,
                    DB_EXPERIMENTS_PASSWORD, DB_REGISTRY_PASSWORD, DB_ADMIN_PASSWORD, REGISTRY_WRITER_PASSWORD,
                    PULSAR_TOKEN_SECRET_KEY}) {
                if (name.equals(PULSAR_TOKEN_SECRET_KEY)) {
                    if (!validSecretKey(properties.getProperty(name, ""))) {
                        properties.setProperty(name, generateSecretKey());
                        changed = true;
                    }
                } else if (properties.getProperty(name, "").isBlank()) {
                    properties.setProperty(name, generate(name.equals(WRITE_KEY) ? "wk_" : name.equals(SDK_KEY) ? "sk_" : name.endsWith("password") ? "pw_" : "tk_"));
                    changed = true;
                }
            }
            if (changed) {
                Files.createDirectories(instanceDir);
                try (Writer writer = Files.newBufferedWriter(file)) {
                    properties.store(writer, "Veltrix local credentials (generated; not a production secret store)");
                }
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: nothing to tighten
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return new LocalSecrets(values);
    }

    public String writeKey() {
        return values.get(WRITE_KEY);
    }

    public String adminToken() {
        return values.get(ADMIN_TOKEN);
    }

    public String readToken() {
        return values.get(READ_TOKEN);
    }

    public String sdkKey() {
        return values.get(SDK_KEY);
    }

    public String dbProcessorPassword() {
        return values.get(DB_PROCESSOR_PASSWORD);
    }

    public String dbExperimentsPassword() {
        return values.get(DB_EXPERIMENTS_PASSWORD);
    }

    public String dbRegistryPassword() {
        return values.get(DB_REGISTRY_PASSWORD);
    }

    public String dbAdminPassword() {
        return values.get(DB_ADMIN_PASSWORD);
    }

    public String registryWriterPassword() {
        return values.get(REGISTRY_WRITER_PASSWORD);
    }

    /** The registration step's registry user and password. */
    public SchemaRegistrar.Writer registryWriter() {
        return new SchemaRegistrar.Writer(REGISTRY_WRITER, registryWriterPassword());
    }

    /** The key that signs and checks the instance's Pulsar tokens. */
    public byte[] pulsarSecretKey() {
        return Base64.getDecoder().decode(values.get(PULSAR_TOKEN_SECRET_KEY).trim());
    }

    /** The instance's Pulsar tokens, one per role, signed with {@link #pulsarSecretKey()}. */
    public PulsarTokens pulsarTokens() {
        return PulsarTokens.issue(pulsarSecretKey());
    }

    /** The services' environment for these credentials. */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("VELTRIX_INGEST_WRITE_KEYS_LOCAL_KEY", writeKey());
        env.put("VELTRIX_INGEST_WRITE_KEYS_LOCAL_SOURCE", SOURCE);
        env.put("VELTRIX_EXPERIMENTS_ADMIN_TOKEN", adminToken());
        env.put("VELTRIX_EXPERIMENTS_READ_TOKEN", readToken());
        env.put("VELTRIX_EXPERIMENTS_SDK_KEY", sdkKey());
        // ingest's admin API (replay, rejected-events summary) takes the same tokens
        env.put("VELTRIX_INGEST_ADMIN_TOKEN", adminToken());
        env.put("VELTRIX_PROCESSOR_ADMIN_TOKEN", adminToken());
        env.put("VELTRIX_INGEST_READ_TOKEN", readToken());
        return env;
    }

    /** A blank, unreadable or too short key (e.g. a line someone shortened) is replaced, as a missing one is. */
    private static boolean validSecretKey(String value) {
        try {
            return !value.isBlank() && Base64.getDecoder().decode(value.trim()).length >= PulsarTokens.SECRET_KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String generateSecretKey() {
        byte[] key = new byte[PulsarTokens.SECRET_KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static String generate(String prefix) {
        StringBuilder token = new StringBuilder(prefix);
        for (int i = 0; i < 28; i++) {
            token.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return token.toString();
    }
}
