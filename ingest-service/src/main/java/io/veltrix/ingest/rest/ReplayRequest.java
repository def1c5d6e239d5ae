package io.veltrix.ingest.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What to replay. Read by AdminResource with its own ObjectMapper (the endpoint takes bytes): registered for native. */
@RegisterForReflection
@Schema(name = "ReplayRequest", description = "Which rejected events to validate again. Empty lists match everything.")
public record ReplayRequest(
        @Schema(description = "start of the window (when the events were rejected), ISO-8601, inclusive", required = true,
                examples = "2026-11-26T09:00:00Z") String from,
        @Schema(description = "end of the window, exclusive; default now") String to,
        @Schema(description = "only rejections with these reason codes", examples = "[\"unknown_property\"]") List<String> reasons,
        @Schema(description = "only these event types", examples = "[\"treasure_claimed\"]") List<String> eventTypes,
        @Schema(description = "only these sources (games)") List<String> sourceIds,
        @Schema(description = "validate and report only: publish nothing") Boolean dryRun,
        @Schema(description = "validate again even events an earlier replay refused against the same schema version")
        Boolean force,
        @Schema(description = "at most this many events (default and maximum veltrix.ingest.replay-max-events); "
                + "run again to continue") Integer limit) {
}
