package io.veltrix.stack;

/**
 * An expected failure of the stack (port taken, server did not start, missing download...).
 * Its message says what happened and what to do; the CLI prints it without a stack trace.
 */
public class StackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
