package io.veltrix.experiments.service;

import java.util.List;

/** The request breaks a rule: answered 400 with every offending field and why. */
public class InvalidInputException extends RuntimeException {

    /** One offending field ({@code variants[1].weight}) and the reason. */
    public record FieldError(String field, String reason) {
    }

    private final List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super(errors.isEmpty() ? "invalid request" : errors.get(0).field() + ": " + errors.get(0).reason());
        this.errors = List.copyOf(errors);
    }

    public InvalidInputException(String field, String reason) {
        this(List.of(new FieldError(field, reason)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
