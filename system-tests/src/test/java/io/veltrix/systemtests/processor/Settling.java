package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;

import io.veltrix.schemas.Topics;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting until the processor has handled everything sent so far for some players. */
final class Settling {

    private Settling() {
    }

    /**
     * Sends one marker event per player behind everything sent so far and waits until every marker is counted and the
     * processors' subscription has nothing left to acknowledge: a message is acknowledged only after its batch
     * committed, so everything sent before is then counted (batches commit concurrently: a marker alone could be
     * counted before an earlier batch of the same player).
     */
    static void settle(StackInfo stack, Database db, IngestClient ingest, List<String> players, Instant at, String name,
                       List<TrackedEvent> sent, Duration timeout) {
        List<TrackedEvent> markers = players.stream()
                .map(player -> TrackedEvent.session(player + "-" + name, player, at)).toList();
        ingest.send(markers);
        sent.addAll(markers);
        Object ids = markers.stream().map(TrackedEvent::messageId).toArray(String[]::new);
        String counted = "select count(*) from processing.processed_event where event_key in "
                + "(select processing.event_key(?, i) from unnest(cast(? as text[])) i)";
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() ->
                    db.number(counted, TestServices.SOURCE, ids) == markers.size());
            await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() ->
                    TopicProbe.backlog(stack, Topics.RAW, "veltrix-processor") == 0);
        } catch (ConditionTimeoutException e) {
            // say what is stuck where: the markers the processor has not counted, and the broker's view of the
            // processor's subscription (backlog, unacknowledged messages per consumer, blocked consumers)
            throw new AssertionError("not settled within " + timeout + ": " + db.number(counted, TestServices.SOURCE, ids)
                    + " of " + markers.size() + " markers counted; subscription veltrix-processor of " + Topics.RAW + ": "
                    + TopicProbe.subscriptionStats(stack, Topics.RAW, "veltrix-processor"), e);
        }
    }
}
