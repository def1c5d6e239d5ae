package io.veltrix.schemas;

/** The Pulsar topics of the pipeline and the message properties every service relies on. */
public final class Topics {

    public static final String TENANT = "veltrix";
    public static final String NAMESPACE = TENANT + "/events";

    /** Every accepted event: Apicurio-framed Avro, key = player id. */
    public static final String RAW = "persistent://" + NAMESPACE + "/events.raw";
    /** Every refused event with the reason ({@code io.veltrix.pipeline.RejectedEvent}). */
    public static final String REJECTED = "persistent://" + NAMESPACE + "/events.rejected";
    /** Messages that failed processing after bounded redeliveries. */
    public static final String RAW_DLQ = "persistent://" + NAMESPACE + "/events.raw-DLQ";

    /** What ingest's replays settled: one marker per replayed rejection (makes a replay safe to run twice). */
    public static final String REPLAYS = "persistent://" + NAMESPACE + "/events.replays";

    /** Message property: the event type, e.g. {@code treasure_claimed}. */
    public static final String PROP_EVENT_TYPE = "event_type";
    /** Message property: the event id (client messageId). */
    public static final String PROP_EVENT_ID = "event_id";
    /** Message property: the source (game) the event came from. */
    public static final String PROP_SOURCE_ID = "source_id";
    /** Message property: the registry version of the schema the payload was written with. */
    public static final String PROP_SCHEMA_VERSION = "schema_version";

    private Topics() {
    }
}
