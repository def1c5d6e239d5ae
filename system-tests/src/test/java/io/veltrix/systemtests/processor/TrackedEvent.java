package io.veltrix.systemtests.processor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event as a game sends it to ingest (Segment track call), and what the test expects of it.
 *
 * @param messageId  the client's id (the dedupe key)
 * @param type       the event type, e.g. {@code treasure_claimed}
 * @param player     userId
 * @param at         timestamp (ingest keeps it as occurred_at: no sentAt, so no clock-skew correction)
 * @param properties the properties; for event types other than exposures, every {@link Number} is a numeric
 *                   schema field, hence a metric
 */
record TrackedEvent(String messageId, String type, String player, Instant at, Map<String, Object> properties) {

    static final String EXPOSURE = "experiment_viewed";

    static TrackedEvent exposure(String id, String player, Instant at, String experiment, String variant) {
        return new TrackedEvent(id, EXPOSURE, player, at, Map.of("experiment_key", experiment, "variant", variant));
    }

    static TrackedEvent treasure(String id, String player, Instant at, long coins) {
        return new TrackedEvent(id, "treasure_claimed", player, at, Map.of("session_id", "s-" + player, "hunt_id", "h-1",
                "treasure_id", "t-" + id, "tier", "rare", "coins", coins));
    }

    static TrackedEvent purchase(String id, String player, Instant at, double revenue, int quantity) {
        return new TrackedEvent(id, "purchase_completed", player, at, Map.of("order_id", "o-" + id, "product_id", "gems-100",
                "revenue", revenue, "currency", "EUR", "quantity", quantity));
    }

    static TrackedEvent clue(String id, String player, Instant at, int index, double seconds) {
        return new TrackedEvent(id, "clue_found", player, at, Map.of("session_id", "s-" + player, "hunt_id", "h-1",
                "clue_id", "c-" + index, "clue_index", index, "hint_used", false, "seconds_to_find", seconds));
    }

    static TrackedEvent session(String id, String player, Instant at) {
        return new TrackedEvent(id, "session_started", player, at, Map.of("session_id", "s-" + player, "platform", "ios"));
    }

    /** The Segment message (a batch item). */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("event", type);
        json.put("userId", player);
        json.put("messageId", messageId);
        json.put("timestamp", at.toString());
        json.put("properties", properties);
        return json;
    }

    boolean isExposure() {
        return EXPOSURE.equals(type);
    }
}
