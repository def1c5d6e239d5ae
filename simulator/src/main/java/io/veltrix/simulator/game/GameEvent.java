package io.veltrix.simulator.game;

import java.time.Instant;
import java.util.Map;

/**
 * One message as the game's analytics SDK sends it (Segment spec): a {@code track} call with an event name and
 * properties, or an {@code identify} call with traits.
 *
 * @param type       {@code track} or {@code identify}
 * @param event      the event type for a track call ({@code treasure_claimed}), null for identify
 * @param playerId   the Segment {@code userId}
 * @param messageId  unique per event: the dedupe key
 * @param timestamp  when it happened on the device
 * @param properties the track properties, or the identify traits (snake_case, as in the Avro schemas)
 * @param device     the device the player plays on (the SDK's context)
 */
public record GameEvent(String type, String event, String playerId, String messageId, Instant timestamp,
                        Map<String, Object> properties, Device device) {

    public static final String TRACK = "track";
    public static final String IDENTIFY = "identify";

    public boolean isTrack() {
        return TRACK.equals(type);
    }
}
