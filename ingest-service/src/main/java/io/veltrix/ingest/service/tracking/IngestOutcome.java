package io.veltrix.ingest.service.tracking;

import io.veltrix.ingest.mapping.Violation;
import java.util.List;

/**
 * What became of each event of a request.
 *
 * @param results        one per event, in request order
 * @param unavailable    true when Pulsar did not acknowledge everything: the request must be retried
 */
public record IngestOutcome(List<EventResult> results, boolean unavailable) {

    /** Status of one event. */
    public enum Status {
        /** Persisted on events.raw. */
        ACCEPTED,
        /** Its messageId was already accepted recently; not published again. */
        DUPLICATE,
        /** Refused, kept on events.rejected with the reason. */
        REJECTED,
        /** Not persisted (Pulsar unavailable): send it again. */
        NOT_PERSISTED;

        private final String symbol = name().toLowerCase(java.util.Locale.ROOT);

        /** As the answer writes it ({@code not_persisted}). */
        public String symbol() {
            return symbol;
        }
    }

    /** One event's fate. */
    public record EventResult(int index, String messageId, String eventType, Status status, List<Violation> violations) {
    }

    public long count(Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
