package io.veltrix.ingest.rest;

import io.veltrix.ingest.service.summary.RejectionSummary;
import io.veltrix.ingest.service.summary.RejectionSummaryService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Rejected events over a window, counted. */
@Schema(name = "RejectionSummary", description = "Rejected events of a window counted by reason, event type, schema "
        + "version, SDK, source and stage, and the largest combinations with an example each")
public record RejectionSummaryResponse(
        Instant from,
        Instant to,
        @Schema(description = "rejections counted") long total,
        @Schema(description = "by reason code") Map<String, Long> byReason,
        @Schema(description = "by event type; (none) when it could not be told") Map<String, Long> byEventType,
        @Schema(description = "by event type and registry version checked against, e.g. treasure_claimed:3")
        Map<String, Long> bySchemaVersion,
        @Schema(description = "by SDK (context.library name and version)") Map<String, Long> bySdk,
        @Schema(description = "by source (game)") Map<String, Long> bySource,
        @Schema(description = "by stage: ingest, processor, replay") Map<String, Long> byStage,
        @Schema(description = "the largest combinations, with an example") List<RejectionSummary.Group> groups,
        @Schema(description = "combinations in all") long groupCount,
        @Schema(description = "messages of events.rejected read") long scanned,
        @Schema(description = "messages that could not be decoded") long undecodable,
        @Schema(description = "true when the read stopped at veltrix.ingest.admin-max-scan messages") boolean truncated) {

    static RejectionSummaryResponse of(RejectionSummaryService.Summary summary) {
        RejectionSummary.Counts c = summary.counts();
        return new RejectionSummaryResponse(summary.query().from(), summary.query().to(), c.total(), c.byReason(),
                c.byEventType(), c.bySchemaVersion(), c.bySdk(), c.bySource(), c.byStage(), c.groups(), c.groupCount(),
                summary.scanned(), summary.undecodable(), summary.truncated());
    }
}
