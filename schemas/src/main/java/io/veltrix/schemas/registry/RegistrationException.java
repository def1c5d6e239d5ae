package io.veltrix.schemas.registry;

/** The registry refused a schema; the message names the artifact and the registry's reasons. */
public class RegistrationException extends RuntimeException {

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
