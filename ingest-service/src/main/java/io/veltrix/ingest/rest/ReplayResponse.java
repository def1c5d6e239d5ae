package io.veltrix.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.veltrix.ingest.service.replay.ReplayService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a replay did. */
@Schema(name = "ReplayResponse", description = "What a replay did with the rejected events of the window")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayResponse(
        @Schema(description = "id of this run (property replay_id of what it published)") String replayId,
        Instant from,
        Instant to,
        @Schema(description = "true: nothing was published") boolean dryRun,
        @Schema(description = "messages of events.rejected read") long scanned,
        @Schema(description = "true when the read stopped at veltrix.ingest.admin-max-scan messages") boolean truncated,
        @Schema(description = "rejections in the window matching the filter") long matched,
        @Schema(description = "matching rejections that cannot be replayed (whole requests, processor rejections)")
        long notReplayable,
        @Schema(description = "distinct events to consider (an event rejected several times counts once)") long candidates,
        @Schema(description = "events left for another run (over the limit)") long remaining,
        @Schema(description = "now accepted on events.raw (original messageId)") long accepted,
        @Schema(description = "accepted recently already: not published again") long duplicate,
        @Schema(description = "still refused: kept again on events.rejected with stage replay and the new reason")
        long rejected,
        @Schema(description = "Pulsar did not acknowledge: run the replay again") long notPersisted,
        @Schema(description = "settled by an earlier replay (accepted): skipped") long skippedAlreadyReplayed,
        @Schema(description = "refused by an earlier replay against the schema version still latest: skipped "
                + "(force to validate again)") long skippedUnchanged,
        @Schema(description = "outcome markers Pulsar did not acknowledge: those events are validated again next run")
        Long markersNotPersisted,
        @Schema(description = "one entry per event considered (at most 1000)") List<ReplayService.Result> results) {

    static ReplayResponse of(ReplayService.Report report) {
        Map<String, Long> o = report.outcomes();
        return new ReplayResponse(report.replayId(), report.from(), report.to(), report.dryRun(), report.scanned(),
                report.truncated(), report.matched(), report.notReplayable() + report.count("not_replayable"),
                report.candidates(), report.remaining(), report.count("accepted"), report.count("duplicate"),
                report.count("rejected"), report.count("not_persisted"), report.count("skipped_already_replayed"),
                report.count("skipped_unchanged"), report.markersNotPersisted() == 0 ? null : report.markersNotPersisted(),
                report.results());
    }
}
