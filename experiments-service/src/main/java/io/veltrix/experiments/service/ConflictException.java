package io.veltrix.experiments.service;

/** The request does not fit the experiment's current state (e.g. starting an archived one): answered 409. */
public class ConflictException extends RuntimeException {

    private final String reason;

    public ConflictException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Machine-readable reason code, e.g. {@code invalid_transition}. */
    public String reason() {
        return reason;
    }
}
