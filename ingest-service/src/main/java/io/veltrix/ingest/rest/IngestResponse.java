package io.veltrix.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.veltrix.ingest.mapping.Violation;
import io.veltrix.ingest.service.tracking.IngestOutcome;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer to a tracking request: Segment's {@code success} plus, unlike Segment, the fate of every event.
 */
@Schema(name = "IngestResponse", description = "Status of every event of the request")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestResponse(
        @Schema(description = "true when every event was accepted or is a duplicate") boolean success,
        @Schema(description = "events persisted on events.raw") long accepted,
        @Schema(description = "events already accepted before (same messageId), not published again") long duplicate,
        @Schema(description = "events refused; each is kept on events.rejected with its reason") long rejected,
        @Schema(description = "events Pulsar did not persist: send them again") Long notPersisted,
        @Schema(description = "one entry per event, in request order") List<EventStatus> results) {

    /** One event's fate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventStatus(
            @Schema(description = "position in the request (0 for single-event endpoints)") int index,
            @Schema(description = "the event's messageId (generated when the client sent none)") String messageId,
            @Schema(description = "accepted, duplicate, rejected or not_persisted") String status,
            @Schema(description = "machine-readable reason of a rejection") String reason,
            @Schema(description = "JSON path of the offending value") String path,
            @Schema(description = "what to fix") String message,
            @Schema(description = "every problem found, when there are several") List<Violation> violations) {
    }

    static IngestResponse of(IngestOutcome outcome) {
        List<EventStatus> statuses = outcome.results().stream().map(IngestResponse::status).toList();
        long notPersisted = outcome.count(IngestOutcome.Status.NOT_PERSISTED);
        long rejected = outcome.count(IngestOutcome.Status.REJECTED);
        return new IngestResponse(rejected == 0 && notPersisted == 0,
                outcome.count(IngestOutcome.Status.ACCEPTED), outcome.count(IngestOutcome.Status.DUPLICATE),
                rejected, notPersisted == 0 ? null : notPersisted, statuses);
    }

    private static EventStatus status(IngestOutcome.EventResult result) {
        String status = result.status().symbol();
        if (result.violations().isEmpty()) {
            return new EventStatus(result.index(), result.messageId(), status, null, null, null, null);
        }
        Violation first = result.violations().get(0);
        return new EventStatus(result.index(), result.messageId(), status, first.reason(), first.path(), first.message(),
                result.violations().size() > 1 ? result.violations() : null);
    }
}
