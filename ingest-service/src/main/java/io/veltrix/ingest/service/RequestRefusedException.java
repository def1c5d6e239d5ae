package io.veltrix.ingest.service;

/** The whole request is refused (nothing of it was accepted); the resource answers {@link #status()}. */
public class RequestRefusedException extends RuntimeException {

    private final int status;
    private final String reason;
    private final String path;
    private final Integer limit;

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
}
