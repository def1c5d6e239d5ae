package io.veltrix.ingest.mapping;

import io.veltrix.schemas.rules.EventRules;

/** The reason codes of refused events and requests: stable, documented in the README, used in metrics. */
public final class Reasons {

    // request level
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String MALFORMED_GZIP = "malformed_gzip";
    public static final String UNSUPPORTED_ENCODING = "unsupported_content_encoding";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String EMPTY_BATCH = "empty_batch";
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String DUPLICATE_KEY = "duplicate_key";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String SATURATED = "saturated";
    public static final String TOO_MANY_EVENTS = "too_many_events";
    public static final String REGISTRY_UNAVAILABLE = "registry_unavailable";
    public static final String BROKER_UNAVAILABLE = "broker_unavailable";

    // event level
    public static final String EVENT_TOO_LARGE = "event_too_large";
    public static final String NOT_AN_OBJECT = "not_an_object";
    public static final String UNKNOWN_CALL_TYPE = "unknown_call_type";
    public static final String INVALID_EVENT_NAME = "invalid_event_name";
    public static final String RESERVED_EVENT_NAME = "reserved_event_name";
    public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
    public static final String MISSING_IDENTITY = "missing_identity";
    public static final String MISSING_REQUIRED_FIELD = "missing_required_field";
    public static final String UNKNOWN_PROPERTY = "unknown_property";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String INVALID_ENUM_VALUE = "invalid_enum_value";
    public static final String VALUE_TOO_LONG = "value_too_long";
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";
    public static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";
    public static final String TIMESTAMP_TOO_OLD = "timestamp_too_old";
    // the rules shared with the processor (io.veltrix.schemas.rules.EventRules): the same codes there and here
    public static final String INVALID_NUMBER = EventRules.INVALID_NUMBER;
    public static final String NUMBER_OUT_OF_RANGE = EventRules.NUMBER_OUT_OF_RANGE;
    public static final String INVALID_CHARACTER = EventRules.INVALID_CHARACTER;
    public static final String MISSING_EVENT_ID = EventRules.MISSING_EVENT_ID;
    /** The summary record of a request's rejections beyond the per-request limit. */
    public static final String REJECTIONS_NOT_KEPT = "rejections_not_kept";

    private Reasons() {
    }
}
