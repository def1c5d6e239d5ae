package io.veltrix.ingest.messaging;

/**
 * Pulsar message properties ingest puts on {@code events.rejected}, besides {@code event_type}, {@code event_id},
 * {@code source_id} and {@code schema_version} (see {@code io.veltrix.schemas.Topics}). They let a reader filter
 * without decoding, and let a replay rebuild what the stored event alone does not say.
 */
public final class RejectionProperties {

    /** The reason code. */
    public static final String REASON = "reason";
    /** ingest, processor or replay. */
    public static final String STAGE = "stage";
    /** {@code event}: one event of a request; {@code request}: the whole request was refused (payload = the body). */
    public static final String SCOPE = "scope";
    /** The single-event endpoint's call type (track, identify, ...); absent for a batch. */
    public static final String CALL_TYPE = "call_type";
    /** The batch's {@code sentAt}, as sent (the event's own is in its payload). */
    public static final String BATCH_SENT_AT = "batch_sent_at";
    /** The batch's {@code context} as JSON, when small. */
    public static final String BATCH_CONTEXT = "batch_context";
    /** The caller's address, used when the event's context has no ip. */
    public static final String CLIENT_IP = "client_ip";
    /** On a replay's rejection or accepted event: the rejection id of the event's first rejection. */
    public static final String REPLAY_OF = "replay_of";
    /** The replay run that produced the message. */
    public static final String REPLAY_ID = "replay_id";

    public static final String SCOPE_EVENT = "event";
    public static final String SCOPE_REQUEST = "request";

    private RejectionProperties() {
    }
}
