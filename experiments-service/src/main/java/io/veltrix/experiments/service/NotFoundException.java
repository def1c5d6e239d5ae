package io.veltrix.experiments.service;

/** No experiment (or phase) by that key: answered 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
