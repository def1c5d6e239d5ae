package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;

import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Waiting until the processor has handled everything sent so far for some players. */
final class Settling {

    private Settling() {
    }

    /**
     * Sends one marker event per player behind everything sent so far and waits until every marker is counted:
     * each player's messages are processed in order (Key_Shared), so everything sent before is then done.
     */
    static void settle(Database db, IngestClient ingest, List<String> players, Instant at, String name,
                       List<TrackedEvent> sent, Duration timeout) {
        List<TrackedEvent> markers = players.stream()
                .map(player -> TrackedEvent.session(player + "-" + name, player, at)).toList();
        ingest.send(markers);
        sent.addAll(markers);
        Object ids = markers.stream().map(TrackedEvent::messageId).toArray(String[]::new);
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() ->
                db.number("select count(*) from processing.processed_event where event_key in "
                        + "(select processing.event_key(?, i) from unnest(cast(? as text[])) i)", TestServices.SOURCE, ids)
                        == markers.size());
    }
}
