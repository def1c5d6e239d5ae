package io.veltrix.ingest.mapping;

import java.util.Map;
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

    private static final Map<String, CallType> BY_WIRE_NAME = Map.of("track", TRACK, "identify", IDENTIFY, "page", PAGE,
            "screen", SCREEN, "group", GROUP, "alias", ALIAS);

    public static Optional<CallType> of(String wireName) {
        return wireName == null ? Optional.empty() : Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    public static boolean isCallName(String eventType) {
        return of(eventType).isPresent();
    }
}
