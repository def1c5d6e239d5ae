package io.veltrix.ingest.service;

/** The whole request is refused (nothing of it was accepted); the resource answers {@link #status()}. */
public class RequestRefusedException extends RuntimeException {

    private final int status;
    private final String reason;
    private final String path;
    private final Integer limit;
    private String challenge;

    public RequestRefusedException(int status, String reason, String path, String message, Integer limit) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.path = path;
        this.limit = limit;
    }

    public RequestRefusedException(int status, String reason, String path, String message) {
        this(status, reason, path, message, null);
    }

    /** The WWW-Authenticate challenge of a 401. */
    public RequestRefusedException challenge(String value) {
        this.challenge = value;
        return this;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public String path() {
        return path;
    }

    /** The limit exceeded, in bytes, for 413. */
    public Integer limit() {
        return limit;
    }

    /** The WWW-Authenticate header value, for 401; null otherwise. */
    public String challenge() {
        return challenge;
    }
}
