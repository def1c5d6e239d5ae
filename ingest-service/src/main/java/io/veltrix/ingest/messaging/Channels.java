package io.veltrix.ingest.messaging;

/** Channel names shared by the code, its configuration and its tests. */
public final class Channels {

    /** Accepted events → {@code events.raw}. */
    public static final String EVENTS_RAW = "events-raw";
    /** Refused events → {@code events.rejected}. */
    public static final String EVENTS_REJECTED = "events-rejected";
    /** What each replay did with each rejected event → {@code events.replays}. */
    public static final String REPLAYS = "events-replays";

    private Channels() {
    }
}
