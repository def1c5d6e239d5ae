package io.veltrix.processor.messaging;

/** Channel names shared by the code, its configuration and its tests. */
public final class Channels {

    /** {@code events.raw}, Key_Shared subscription {@code veltrix-processor}, batch receive. */
    public static final String EVENTS_RAW = "events-raw";
    /** Valid events the processor refuses, with why → {@code events.rejected}. */
    public static final String EVENTS_REJECTED = "events-rejected";

    private Channels() {
    }
}
