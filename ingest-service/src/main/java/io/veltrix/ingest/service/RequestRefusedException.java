package io.veltrix.ingest.service;

import java.time.Duration;

/**
 * The whole request is refused (nothing of it was accepted), for a reason of the domain; {@code rest} turns the
 * {@link Refusal} into an HTTP status. Thrown by the services, never carrying HTTP types.
 */
public class RequestRefusedException extends RuntimeException {

    /** Why a request is refused, as a kind the edge maps to a status. */
    public enum Refusal {
        /** The body cannot be read as the endpoint's request (malformed JSON or gzip, duplicate keys, no batch). */
        INVALID,
        /** No or unknown credentials. */
        UNAUTHORIZED,
        /** Credentials that do not allow the call. */
        FORBIDDEN,
        /** A conflicting operation runs already (a replay). */
        CONFLICT,
        /** Larger than a limit that waiting cannot change (bytes or events): split it. */
        TOO_LARGE,
        /** A content encoding or media type the API does not take. */
        UNSUPPORTED,
        /** The caller's rate limit or the instance's in-flight budget is used up: retry after a while. */
        TOO_MANY,
        /** Pulsar or the registry cannot be reached: retry after a while. */
        UNAVAILABLE
    }

    private final Refusal refusal;
    private final String reason;
    private final String path;
    private final Integer limit;
    private Duration retryAfter;
    private String challenge;

    public RequestRefusedException(Refusal refusal, String reason, String path, String message, Integer limit) {
        super(message, null, false, false);
        this.refusal = refusal;
        this.reason = reason;
        this.path = path;
        this.limit = limit;
    }

    public RequestRefusedException(Refusal refusal, String reason, String path, String message) {
        this(refusal, reason, path, message, null);
    }

    /** The WWW-Authenticate challenge of an unauthorized refusal. */
    public RequestRefusedException challenge(String value) {
        this.challenge = value;
        return this;
    }

    /** How long the caller should wait before trying again, when the refusal knows better than the default. */
    public RequestRefusedException retryAfter(Duration value) {
        this.retryAfter = value;
        return this;
    }

    public Refusal refusal() {
        return refusal;
    }

    public String reason() {
        return reason;
    }

    public String path() {
        return path;
    }

    /** The limit exceeded (bytes, or events for too_many_events), for TOO_LARGE. */
    public Integer limit() {
        return limit;
    }

    /** The WWW-Authenticate header value; null when none. */
    public String challenge() {
        return challenge;
    }

    /** The wait this refusal asks for; null: the configured default. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
