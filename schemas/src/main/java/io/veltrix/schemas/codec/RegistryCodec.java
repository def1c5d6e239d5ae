package io.veltrix.schemas.codec;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.client.RegistryClientFactory;
import io.apicurio.registry.client.common.RegistryClientOptions;
import io.apicurio.registry.resolver.ParsedSchemaImpl;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryClientFacadeImpl;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.models.ArtifactSearchResults;
import io.apicurio.registry.rest.client.models.VersionMetaData;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.IdHandler;
import io.apicurio.registry.serde.avro.AvroDeserializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Encodes and decodes events in Apicurio's own framing (magic byte 0, 4-byte content id, Avro binary),
 * the wire format of every Veltrix topic (Pulsar {@code schema=BYTES}).
 *
 * <p>The Avro encoding and the framing are Apicurio's ({@link AvroSerializer}, {@link AvroDeserializer},
 * {@link Default4ByteIdHandler}). What this class adds is that the writer chooses the exact registered
 * version it validated against ({@link #encode(RegisteredSchema, GenericRecord)}), so the content id in a
 * message always matches the schema its bytes were written with, even while a new version is being rolled
 * out. Producers never register schemas: registration is a deploy step ({@code SchemaRegistrar}).
 *
 * <p>Every method that may call the registry blocks: never call them on a Vert.x event loop. Schemas by
 * content id are cached for the codec's lifetime (content ids are immutable); {@link #latest} always asks
 * the registry, callers cache it for as long as they accept to lag behind a new version.
 *
 * <p>No call waits for the registry forever: a connection that cannot be opened in {@value #CONNECT_TIMEOUT_SECONDS} s,
 * or on which nothing arrives for {@value #IDLE_TIMEOUT_SECONDS} s (a frozen registry, a node gone without closing its
 * connections), fails the call as {@link CodecException.Kind#REGISTRY_UNAVAILABLE}, which callers retry. The Apicurio
 * client has no timeout of its own; its Vert.x web client gets them.
 */
public final class RegistryCodec implements AutoCloseable {

    private static final byte MAGIC_BYTE = 0;
    private static final int HEADER_SIZE = 5;

    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int IDLE_TIMEOUT_SECONDS = 10;

    private final RegistryClient client;
    private final AvroSerializer<GenericRecord> serializer;
    private final AvroDeserializer<GenericRecord> deserializer;
    private final IdHandler idHandler = new Default4ByteIdHandler();
    /** The Vert.x instance this codec made for itself (none was given), closed with it; else null. */
    private final Vertx ownVertx;

    private RegistryCodec(String registryUrl, Vertx vertx) {
        this.ownVertx = vertx == null ? Vertx.vertx() : null;
        Vertx http = vertx == null ? ownVertx : vertx;
        WebClient web = WebClient.create(http, new WebClientOptions()
                .setConnectTimeout(CONNECT_TIMEOUT_SECONDS * 1000)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
        this.client = RegistryClientFactory.create(RegistryClientOptions.create(registryUrl, http).customWebClient(web));
        // the serdes look schemas up through the same client (and its timeouts)
        RegistryClientFacade facade = new RegistryClientFacadeImpl(client);
        this.serializer = new AvroSerializer<>(facade);
        this.deserializer = new AvroDeserializer<>(facade);
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaResolverConfig.REGISTRY_URL, registryUrl);
        config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, false);
        config.put(SchemaResolverConfig.RETRY_COUNT, 1L);
        config.put(SchemaResolverConfig.RETRY_BACKOFF_MS, 200L);
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
        // the class, not its name: Apicurio would resolve a name with its own class loader, which in a Quarkus
        // application is not the one that sees ours
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, IdentityCachingDatumProvider.class);
        config.put(SchemaResolverConfig.VERTX_INSTANCE, http);
        serializer.configure(new SerdeConfig(config), false);
        deserializer.configure(new SerdeConfig(config), false);
        idHandler.configure(config, false);
    }

    /**
     * A codec for the registry at {@code registryUrl} (e.g. {@code http://localhost:8085/apis/registry/v3}).
     *
     * @param vertx the application's Vert.x instance; null: the codec makes one of its own (closed with it)
     */
    public static RegistryCodec connect(String registryUrl, Vertx vertx) {
        return new RegistryCodec(registryUrl, vertx);
    }

    /** The latest registered version of an artifact, or empty when the registry has no such artifact. Blocking. */
    public Optional<RegisteredSchema> latest(String groupId, String artifactId) {
        VersionMetaData meta;
        try {
            meta = client.groups().byGroupId(groupId).artifacts().byArtifactId(artifactId)
                    .versions().byVersionExpression("branch=latest").get();
        } catch (RuntimeException e) {
            if (isNotFound(e)) {
                return Optional.empty();
            }
            throw classify(e, "cannot read the latest version of " + groupId + "/" + artifactId);
        }
        Schema schema = schemaByContentId(meta.getContentId());
        return Optional.of(new RegisteredSchema(groupId, artifactId, meta.getVersion(), meta.getContentId(), schema));
    }

    /**
     * The ids of the artifacts of a group (an event catalogue: one artifact per event type), at most {@code limit}.
     * Blocking. Added for ingest's catalogue (unknown event names are answered without a registry call per name).
     */
    public List<String> artifactIds(String groupId, int limit) {
        ArtifactSearchResults results;
        try {
            results = client.groups().byGroupId(groupId).artifacts().get(request -> request.queryParameters.limit = limit);
        } catch (RuntimeException e) {
            if (isNotFound(e)) {
                return List.of();
            }
            throw classify(e, "cannot list the artifacts of " + groupId);
        }
        List<String> ids = new ArrayList<>();
        if (results != null && results.getArtifacts() != null) {
            results.getArtifacts().forEach(a -> ids.add(a.getArtifactId()));
        }
        return ids;
    }

    /** The schema the registry holds under a content id. Cached. Blocking on a cache miss. */
    public Schema schemaByContentId(long contentId) {
        try {
            SchemaLookupResult<Schema> found = deserializer.getSerdeConfigurer().getSchemaResolver()
                    .resolveSchemaByArtifactReference(ArtifactReference.builder().contentId(contentId).build());
            return found.getParsedSchema().getParsedSchema();
        } catch (RuntimeException e) {
            if (isNotFound(e)) {
                throw new CodecException(CodecException.Kind.UNKNOWN_SCHEMA,
                        "the registry has no content id " + contentId, e);
            }
            throw classify(e, "cannot load content id " + contentId + " from the registry");
        }
    }

    /** Writes {@code record} with {@code schema}'s Avro schema, framed with its content id. */
    public byte[] encode(RegisteredSchema schema, GenericRecord record) {
        // the serializer only reads the parsed schema: no raw text (rendering the schema per event costs more than
        // encoding the event)
        ParsedSchemaImpl<Schema> parsed = new ParsedSchemaImpl<Schema>().setParsedSchema(schema.schema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            out.write(MAGIC_BYTE);
            idHandler.writeId(ArtifactReference.builder()
                    .contentId(schema.contentId()).build(), out);
            serializer.serializeData(parsed, record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new CodecException(CodecException.Kind.MALFORMED,
                    "record does not fit " + schema.artifactId() + " version " + schema.version() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Reads a framed message with the schema its content id names. Blocking on a schema cache miss. */
    public DecodedEvent decode(byte[] payload) {
        long contentId = contentId(payload);
        schemaByContentId(contentId); // classify registry failures before Apicurio's deserializer sees them
        try {
            return new DecodedEvent(contentId, deserializer.deserializeData(null, payload));
        } catch (RuntimeException e) {
            throw new CodecException(CodecException.Kind.MALFORMED,
                    "payload is not valid Avro for content id " + contentId + ": " + e.getMessage(), e);
        }
    }

    /** The content id in a framed payload, without calling the registry. */
    public static long contentId(byte[] payload) {
        if (payload == null || payload.length < HEADER_SIZE || payload[0] != MAGIC_BYTE) {
            throw new CodecException(CodecException.Kind.MALFORMED,
                    "payload is not Apicurio-framed Avro (magic byte 0 + 4-byte content id)", null);
        }
        return Integer.toUnsignedLong(ByteBuffer.wrap(payload, 1, 4).getInt());
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        if (ownVertx != null) {
            ownVertx.close();
        }
    }

    private static boolean isNotFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api && api.getResponseStatusCode() == 404) {
                return true;
            }
        }
        return false;
    }

    private static CodecException classify(RuntimeException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpTimeoutException || t instanceof TimeoutException
                    || t instanceof IOException
                    || (t instanceof ApiException api && api.getResponseStatusCode() >= 500)) {
                return new CodecException(CodecException.Kind.REGISTRY_UNAVAILABLE, what + ": " + t.getMessage(), e);
            }
        }
        return new CodecException(CodecException.Kind.REGISTRY_UNAVAILABLE, what + ": " + e.getMessage(), e);
    }
}
