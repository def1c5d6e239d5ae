package io.veltrix.ingest.mapping;

import java.util.Arrays;
import java.util.Optional;

/** The calls of the Segment tracking spec. */
public enum CallType {
    TRACK("track"),
    IDENTIFY("identify"),
    PAGE("page"),
    SCREEN("screen"),
    GROUP("group"),
    ALIAS("alias");

    private final String wireName;

    CallType(String wireName) {
        this.wireName = wireName;
    }

    /** The {@code type} value on the wire, and the event type of every call but track. */
    public String wireName() {
        return wireName;
    }

    public static Optional<CallType> of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }

    public static boolean isCallName(String eventType) {
        return of(eventType).isPresent();
    }
}
