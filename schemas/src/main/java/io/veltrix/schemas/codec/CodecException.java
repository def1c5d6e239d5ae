package io.veltrix.schemas.codec;

/** Why a payload could not be encoded or decoded. The kind tells a consumer whether retrying can help. */
public class CodecException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** Not Apicurio framing or not valid Avro for its schema: retrying cannot help (poison). */
        MALFORMED,
        /** The registry does not know the content id or artifact: retrying cannot help until someone registers it. */
        UNKNOWN_SCHEMA,
        /** The registry could not be reached or failed: transient, retry later. */
        REGISTRY_UNAVAILABLE
    }

    private final Kind kind;

    public CodecException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the same input may succeed later. */
    public boolean isTransient() {
        return kind == Kind.REGISTRY_UNAVAILABLE;
    }
}
